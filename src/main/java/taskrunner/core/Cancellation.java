package taskrunner.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cancel signal of one run of a task, and the waits it can end. A stop (or a server
 * shutdown) sets the reason once, wakes {@link #sleep} and runs the registered
 * {@link #onCancel} actions on the stopping thread; it never interrupts the task's thread,
 * because an interrupt that lands inside {@code FileChannel} I/O closes the channel and
 * loses the task's output.
 *
 * <p>Invariant: {@code reason} goes from null to a value once and never changes after;
 * every action registered before or after that moment runs exactly once (at once, when
 * registered after). Guarded by {@code lock}.
 */
public final class Cancellation {
    private static final Logger LOG = Logger.getLogger(Cancellation.class.getName());

    /** Why a run is asked to end early. */
    public enum Reason {
        /** Stopped on request: the task ends {@link TaskState#STOPPED}. */
        STOP,
        /** The server is closing: the task is left as it is for the next start to recover. */
        SHUTDOWN,
        /** It ran longer than its type allows: the task ends done, with an error saying so. */
        TIME_LIMIT,
        /**
         * This server lost the task's lease (servers sharing a database): another server runs it
         * now, so this run ends without writing anything more of the task.
         */
        LEASE_LOST
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private final List<Runnable> actions = new ArrayList<>();
    private volatile Reason reason;

    /** Null until a stop or shutdown asked this run to end. */
    public Reason reason() {
        return reason;
    }

    public boolean requested() {
        return reason != null;
    }

    /** Sets the reason (the first one wins), wakes sleepers and runs the actions. */
    void cancel(Reason why) {
        List<Runnable> run;
        lock.lock();
        try {
            if (reason != null) return;
            reason = why;
            signalled.signalAll();
            run = List.copyOf(actions);
            actions.clear();
        } finally {
            lock.unlock();
        }
        for (Runnable r : run) runQuietly(r);
    }

    /**
     * Waits {@code d}, or less when the run is cancelled meanwhile.
     *
     * @throws TaskContext.StoppedException if the run is (or becomes) cancelled
     */
    public void sleep(Duration d) throws TaskContext.StoppedException {
        long left = d.toNanos();
        lock.lock();
        try {
            while (reason == null && left > 0) {
                left = signalled.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // Not ours to swallow: an interrupt here comes from outside the runner.
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (reason != null) throw new TaskContext.StoppedException();
    }

    /**
     * Runs {@code action} when the run is cancelled (at once if it already is), on the
     * thread that cancels. Closing the returned handle unregisters it.
     */
    public Registration onCancel(Runnable action) {
        lock.lock();
        try {
            if (reason == null) {
                actions.add(action);
                return () -> {
                    lock.lock();
                    try {
                        actions.remove(action);
                    } finally {
                        lock.unlock();
                    }
                };
            }
        } finally {
            lock.unlock();
        }
        runQuietly(action);
        return () -> {};
    }

    /** Unregisters a cancel action; closing twice is harmless. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a cancel action failed", e);
        }
    }
}
