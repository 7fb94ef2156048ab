/**
 * Progress reporting, cooperative cancellation and the common base of the problems a user can fix, shared by every
 * layer.
 *
 * <p>Engine code reports through a {@link org.exitbench.progress.ProgressListener} and checks a
 * {@link org.exitbench.progress.CancellationToken} between units of work; the GUI adapts both to JavaFX tasks
 * and the CLI to a progress bar and Ctrl-C. A problem with the user's files or settings is an
 * {@link org.exitbench.progress.ExitbenchException}, whose message the front ends show as it is. Nothing here
 * knows about the UI.
 */
package org.exitbench.progress;
