/**
 * Sweeps from the app: the Analysis pane's "Sweeps…" window runs a grid of configurations (the default 64 or a
 * definition file) in the background with progress and Cancel, resumes a stopped sweep from its folder
 * ({@code <workspace>/sweeps/<name>}), and shows the stored summary: boosted against non-boosted per metric with
 * wins, losses, ties, the mean difference and its interval, the best compute reduction per accuracy budget, failed
 * trials, and the HTML report.
 */
package org.exitbench.app.sweep;
