package taskrunner.util;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one locking idiom for "one writer of this thing at a time": a fair, reentrant lock per
 * name (a task id, a distribution, a dataset), made when first wanted and dropped when no
 * thread holds or waits for it, so the map stays as small as the contention. A
 * {@link ReentrantLock}, not a monitor, so a virtual thread that waits (or does I/O while
 * holding it) does not pin its carrier thread.
 *
 * <p>Invariant: a name's entry is in {@code locks} while {@code users > 0}; {@code users}
 * changes only inside {@code compute} on that name.
 */
public final class NamedLocks {
    /** Work done while holding one named lock. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run() throws X;
    }

    /** Asked every {@link #POLL} while a cancellable wait goes on; throws to give up the wait. */
    @FunctionalInterface
    public interface Checkpoint<X extends Exception> {
        void check() throws X;
    }

    public static final Duration POLL = Duration.ofMillis(50);

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

    /** Runs {@code work} holding the lock {@code name}, waiting as long as it takes. */
    public <T, X extends Exception> T with(String name, Work<T, X> work) throws X {
        Entry e = use(name);
        e.lock.lock();
        return runAndRelease(name, e, work);
    }

    /**
     * Runs {@code work} holding the lock {@code name}; while waiting for it, asks
     * {@code checkpoint} every {@link #POLL}, which ends the wait by throwing.
     */
    public <T, X extends Exception, C extends Exception> T with(String name, Checkpoint<C> checkpoint,
                                                                 Work<T, X> work) throws X, C {
        Entry e = use(name);
        try {
            while (!e.lock.tryLock(POLL.toMillis(), TimeUnit.MILLISECONDS)) checkpoint.check();
        } catch (InterruptedException ie) {
            release(name, e, false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for lock " + name, ie);
        } catch (RuntimeException | Error t) {
            release(name, e, false);
            throw t;
        } catch (Exception c) {
            release(name, e, false);
            throw c;
        }
        return runAndRelease(name, e, work);
    }

    private <T, X extends Exception> T runAndRelease(String name, Entry e, Work<T, X> work) throws X {
        try {
            return work.run();
        } finally {
            release(name, e, true);
        }
    }

    private Entry use(String name) {
        return locks.compute(name, (k, v) -> {
            Entry e = v == null ? new Entry() : v;
            e.users++;
            return e;
        });
    }

    private void release(String name, Entry e, boolean held) {
        if (held) e.lock.unlock();
        locks.computeIfPresent(name, (k, v) -> --v.users == 0 ? null : v);
    }
}
