/**
 * The Training pane: the settings of a run as a form (backbone, exits, branches, modes, target, epochs, seed, CPM),
 * Start and Cancel, and what a run does as it does it: loss and validation accuracy per branch, the survivors
 * funnel, the steps of the pipeline with a one-sentence caption each, and a log. Also the teaching demo (Run demo,
 * F5, and the first launch's automatic run) and the runs list of the workspace.
 */
package org.exitbench.app.training;
