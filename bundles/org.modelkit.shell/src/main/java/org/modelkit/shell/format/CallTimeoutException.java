package org.modelkit.shell.format;

/**
 * A method call that {@link Methods} stopped waiting for: it ran longer than its {@code modelkit.timeout}. The
 * message says which method, the limit and where it was set, and whether the call stopped when it was interrupted or
 * still runs in a thread of its own (the command has returned either way).
 *
 * @since 1.5
 */
public final class CallTimeoutException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final boolean stillRunning;

    /**
     * @param message      the one-line message
     * @param stillRunning whether the call ignored its interrupt and still runs
     */
    public CallTimeoutException(String message, boolean stillRunning) {
        super(message);
        this.stillRunning = stillRunning;
    }

    /** @return whether the call ignored its interrupt and still runs in its own thread */
    public boolean stillRunning() {
        return stillRunning;
    }
}
