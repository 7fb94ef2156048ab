/**
 * The Calibration pane: the CPM settings (margin and its form, anchor source, minimum support) and "reset to
 * CPM"; a grid of per-exit × per-class threshold sliders, each with the exit's precision against the CPM bar and
 * the number of validation images it takes; live totals and the accuracy-vs-compute chart on the validation
 * split; locks, undo and redo, save and load.
 */
package org.exitbench.app.calibration;
