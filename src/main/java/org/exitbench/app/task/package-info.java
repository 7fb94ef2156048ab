/**
 * How view-models start long work: a {@link org.exitbench.app.task.TaskExecutor} runs
 * {@link org.exitbench.app.task.BackgroundWork} (which reports through the engine's own {@code ProgressListener}
 * and polls its {@code CancellationToken}) and lists each {@link org.exitbench.app.task.RunningTask} for the
 * task strip. The app uses {@link org.exitbench.app.task.FxTaskExecutor}; tests run work synchronously.
 */
package org.exitbench.app.task;
