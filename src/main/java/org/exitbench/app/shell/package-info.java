/**
 * The main window: top bar (workspace, dataset, backbone, run, operating point), the navigation between the
 * Data, Training, Calibration and Analysis panes with their status dots, and the task strip for long jobs.
 */
package org.exitbench.app.shell;
