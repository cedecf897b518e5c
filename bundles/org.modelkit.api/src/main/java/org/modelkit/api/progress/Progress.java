package org.modelkit.api.progress;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A callback through which a long-running method reports what it has done and learns whether the
 * caller wants it to stop. Callers implement it (the shell renders a progress line); methods call
 * {@link #report} at natural boundaries (per epoch, per step, per batch of source vertices) and
 * {@link #checkCancelled} at least as often.
 *
 * <p>Implementations must be thread-safe: a method may report from worker threads.
 */
@ConsumerType
public interface Progress {

    /** A callback that ignores reports and never cancels. */
    Progress NONE = (stage, done, total) -> {
    };

    /**
     * Reports progress.
     *
     * @param stage a short name of the current phase, for example "betweenness" or "epoch"
     * @param done  units completed in this stage, at least 0
     * @param total units in this stage, or -1 if unknown
     */
    void report(String stage, long done, long total);

    /**
     * @return whether the caller asked the method to stop; a method that sees true must stop soon,
     *         leave every model, configuration and file as it was, and throw {@link CancelledException}
     */
    default boolean isCancelled() {
        return false;
    }

    /**
     * Throws if the caller asked the method to stop.
     *
     * @throws CancelledException if {@link #isCancelled()} is true
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException("cancelled by the caller");
        }
    }
}
