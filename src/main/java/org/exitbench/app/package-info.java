/**
 * The JavaFX desktop app: the main window and its Data, Training, Calibration and Analysis panes, each a view
 * plus a view-model. Long work runs off the FX thread through a task executor. This is the only package that
 * imports {@code javafx}; it computes nothing the CLI cannot also compute.
 */
package org.exitbench.app;
