package org.modelkit.api.progress;

/** Thrown by a method that stopped because its caller cancelled it; no state was changed. */
public class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was cancelled
     */
    public CancelledException(String message) {
        super(message);
    }
}
