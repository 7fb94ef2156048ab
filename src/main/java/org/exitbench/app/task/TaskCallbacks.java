package org.exitbench.app.task;

import java.util.function.Consumer;

/**
 * What happens when background work ends. Exactly one method is called, once, on the UI thread (or, for a
 * synchronous executor, on the thread that submitted the work).
 *
 * @param <T> the result of the work
 */
public interface TaskCallbacks<T> {

    /** The work finished with {@code result}. */
    void succeeded(T result);

    /** The work failed with {@code error} (never a {@link org.exitbench.progress.CancelledException}). */
    void failed(Throwable error);

    /** The work stopped because it was cancelled; its result, if any, was discarded. */
    void cancelled();

    /**
     * Builds callbacks from three functions.
     *
     * @param onSuccess   receives the result
     * @param onFailure   receives the error
     * @param onCancelled runs after a cancellation
     * @param <T>         the result type
     * @return the callbacks
     */
    static <T> TaskCallbacks<T> of(Consumer<? super T> onSuccess, Consumer<? super Throwable> onFailure,
                                   Runnable onCancelled) {
        return new TaskCallbacks<>() {
            @Override
            public void succeeded(T result) {
                onSuccess.accept(result);
            }

            @Override
            public void failed(Throwable error) {
                onFailure.accept(error);
            }

            @Override
            public void cancelled() {
                onCancelled.run();
            }
        };
    }
}
