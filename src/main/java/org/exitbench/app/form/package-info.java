/**
 * Form pieces several panes share: the CPM settings ({@link org.exitbench.app.form.CpmFields}) and the choice of
 * training modes ({@link org.exitbench.app.form.ModeChoice}) as properties, with the words the panes show for
 * them, so the Training form, the Calibration pane and the Sweep pane read and write them one way.
 */
package org.exitbench.app.form;
