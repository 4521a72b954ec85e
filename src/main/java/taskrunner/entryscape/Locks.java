package taskrunner.entryscape;

import taskrunner.core.TaskContext;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Named locks that serialize the writers of one thing (a distribution, a dataset), so two
 * jobs never build a new version from the same old one and lose each other's rows.
 * Readers never take these: they read the current immutable record.
 *
 * <p>Lock order, to stay free of deadlocks: a distribution before its dataset.
 */
public final class Locks {
    private static final Duration CANCEL_CHECK = Duration.ofMillis(50);
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Work done while holding one named lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** Runs {@code work} holding the lock {@code name}, waiting as long as it takes. */
    public <T> T with(String name, Work<T> work) throws Exception {
        return with(name, null, work);
    }

    /**
     * Runs {@code work} holding the lock {@code name}; a task waiting for it ends the wait
     * with {@link TaskContext.StoppedException} once its run is cancelled (checked every
     * {@link #CANCEL_CHECK}, as stops never interrupt).
     */
    public <T> T with(String name, TaskContext ctx, Work<T> work) throws Exception {
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock(true));
        if (ctx == null) {
            lock.lock();
        } else {
            while (!lock.tryLock(CANCEL_CHECK.toMillis(), TimeUnit.MILLISECONDS)) ctx.checkpoint();
        }
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
