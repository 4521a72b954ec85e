package taskrunner.core;

/**
 * The server cannot take this work now (the task queue is full, or it is closing). Nothing
 * was changed; the same request may succeed later. Faces answer 503 with Retry-After.
 */
public final class Busy extends RuntimeException {
    public Busy(String message) {
        super(message, null, false, false);
    }
}
