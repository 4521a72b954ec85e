package taskrunner.core;

/**
 * What task code sees of the task it runs. Cancellation is cooperative: code calls
 * {@link #checkpoint()} between steps (row tasks get this between rows for free); the
 * thread is also interrupted, so blocking calls end early with InterruptedException.
 *
 * <p>Threading: a context belongs to the one virtual thread that runs the task.
 */
public interface TaskContext {
    String taskId();

    String accountId();

    String authAccountId();

    /** True once a stop was requested. */
    boolean cancelled();

    /** Throws {@link StoppedException} if a stop was requested. */
    default void checkpoint() throws StoppedException {
        if (cancelled()) throw new StoppedException();
    }

    /** Thrown by {@link #checkpoint()} to unwind task code after a stop request. */
    final class StoppedException extends Exception {
        public StoppedException() {
            super("stopped", null, false, false);
        }
    }
}
