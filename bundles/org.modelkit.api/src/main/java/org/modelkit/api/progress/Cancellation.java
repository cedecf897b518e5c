package org.modelkit.api.progress;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Progress} that forwards reports to another one and can be cancelled from any thread, for
 * example from a shell's interrupt handler.
 */
public final class Cancellation implements Progress {
    private final Progress delegate;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param delegate where reports go; {@link Progress#NONE} to drop them
     * @throws IllegalArgumentException if delegate is null
     */
    public Cancellation(Progress delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate must not be null");
        }
        this.delegate = delegate;
    }

    /** Asks the running method to stop. */
    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public void report(String stage, long done, long total) {
        delegate.report(stage, done, total);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get() || delegate.isCancelled();
    }
}
