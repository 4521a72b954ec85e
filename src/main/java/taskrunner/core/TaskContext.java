package taskrunner.core;

import java.time.Duration;

/**
 * What task code sees of the task it runs. Cancellation is cooperative and never an
 * interrupt: code calls {@link #checkpoint()} between steps (row tasks get this between
 * rows for free), waits with {@link #sleep} instead of {@code Thread.sleep}, and ties
 * anything else that blocks (a child process, a socket) to {@link #onCancel}. A thread in
 * {@code Thread.sleep} or blocking I/O is not woken by a stop; the stop takes effect at
 * its next checkpoint.
 *
 * <p>Threading: a context belongs to the one virtual thread that runs the task, except
 * {@link #onCancel} actions, which run on the thread that stops it.
 */
public interface TaskContext {
    String taskId();

    String accountId();

    String authAccountId();

    /** True once a stop (or the server's shutdown) asked this run to end. */
    boolean cancelled();

    /** Throws {@link StoppedException} if the run was asked to end. */
    default void checkpoint() throws StoppedException {
        if (cancelled()) throw new StoppedException();
    }

    /**
     * Waits {@code d}; a stop ends the wait early.
     *
     * @throws StoppedException if the run is (or becomes) asked to end
     */
    void sleep(Duration d) throws StoppedException;

    /**
     * Runs {@code action} on the stopping thread when this run is asked to end (at once if it
     * already was): kill a child process, close a socket. Close the handle when the
     * blocking step is over.
     */
    Cancellation.Registration onCancel(Runnable action);

    /** Thrown by {@link #checkpoint()} and {@link #sleep} to unwind task code after a stop request. */
    final class StoppedException extends Exception {
        public StoppedException() {
            super("stopped", null, false, false);
        }
    }
}
