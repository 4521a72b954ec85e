package taskrunner.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each submitted task on its own virtual thread, at most {@code maxRunning} at a
 * time; the rest wait in FIFO order (a fair semaphore) and nothing fails because it
 * waited. Stop is cooperative: the task's cancel flag is set and its thread interrupted.
 *
 * <p>Invariant: a task id is in {@link #active} from {@link #submit} until its body has
 * returned, so "is it running?" has one answer for every face.
 */
public final class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class.getName());

    /** The code of one task; gets its cancel flag. */
    @FunctionalInterface
    public interface Body {
        void run(AtomicBoolean cancelled) throws Exception;
    }

    private record Active(Thread thread, AtomicBoolean cancelled) {}

    private final Semaphore slots;
    private final int maxQueued;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public Runner(int maxRunning, int maxQueued) {
        this.slots = new Semaphore(maxRunning, true);
        this.maxQueued = maxQueued;
    }

    /** Thrown when the wait queue is full; faces answer 503 with Retry-After. */
    public static final class QueueFull extends RuntimeException {
        public QueueFull() {
            super("the task queue is full", null, false, false);
        }
    }

    /**
     * Starts {@code body} when a slot is free. Returns false if the id is already active.
     *
     * @throws QueueFull when {@code maxQueued} tasks are already waiting
     */
    public boolean submit(String id, Body body) {
        if (active.containsKey(id)) return false;
        if (waiting.incrementAndGet() > maxQueued) {
            waiting.decrementAndGet();
            throw new QueueFull();
        }
        var cancelled = new AtomicBoolean();
        Thread t = Thread.ofVirtual().name("task-" + id).unstarted(() -> {
            boolean acquired = false;
            try {
                slots.acquire();
                acquired = true;
                waiting.decrementAndGet();
                body.run(cancelled);
            } catch (InterruptedException e) {
                if (!acquired) waiting.decrementAndGet();
                if (!acquired && cancelled.get()) {
                    try {
                        // stopped while waiting: the body runs only to record the stop, and any
                        // blocking call in it ends at once
                        Thread.currentThread().interrupt();
                        body.run(cancelled);
                    } catch (Exception ex) {
                        LOG.log(Level.WARNING, "task " + id + " after stop", ex);
                    }
                }
            } catch (Throwable e) {
                if (!shuttingDown) LOG.log(Level.SEVERE, "task " + id + " escaped its body", e);
            } finally {
                if (acquired) slots.release();
                active.remove(id);
            }
        });
        if (active.putIfAbsent(id, new Active(t, cancelled)) != null) {
            waiting.decrementAndGet();
            return false;
        }
        t.start();
        return true;
    }

    public boolean isActive(String id) {
        return active.containsKey(id);
    }

    /**
     * Requests a stop and waits up to {@code waitMs} for the task's code to return.
     * Returns false if the task was not active.
     */
    public boolean stop(String id, long waitMs) {
        Active a = active.get(id);
        if (a == null) return false;
        a.cancelled.set(true);
        a.thread.interrupt();
        try {
            a.thread.join(java.time.Duration.ofMillis(waitMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Number of tasks waiting for a slot. */
    public int waiting() {
        return Math.max(0, waiting.get());
    }

    public int activeCount() {
        return active.size();
    }

    /**
     * Interrupts every task without marking it stopped: what they journaled stays, and a
     * restart resumes them as after a crash. Waits up to {@code waitMs} for them to end.
     */
    public void shutdown(long waitMs) {
        shuttingDown = true;
        for (Active a : active.values()) a.thread.interrupt();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (Active a : active.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                a.thread.join(java.time.Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }
}
