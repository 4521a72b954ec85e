package taskrunner.entryscape;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Named locks that serialize the writers of one thing (a distribution, a dataset), so two
 * jobs never build a new version from the same old one and lose each other's rows.
 * Readers never take these: they read the current immutable record.
 *
 * <p>Lock order, to stay free of deadlocks: a distribution before its dataset.
 */
public final class Locks {
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Work done while holding one named lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    public <T> T with(String name, Work<T> work) throws Exception {
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock(true));
        lock.lockInterruptibly();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
