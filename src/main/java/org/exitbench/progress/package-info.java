/**
 * Progress reporting and cooperative cancellation for long work, shared by every layer.
 *
 * <p>Engine code reports through a {@link org.exitbench.progress.ProgressListener} and checks a
 * {@link org.exitbench.progress.CancellationToken} between units of work; the GUI adapts both to JavaFX tasks
 * and the CLI to a progress bar and Ctrl-C. Nothing here knows about the UI.
 */
package org.exitbench.progress;
