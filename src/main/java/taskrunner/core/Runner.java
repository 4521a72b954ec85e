package taskrunner.core;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each submitted task on its own virtual thread, at most {@code maxRunning} at a
 * time; the rest wait in a FIFO queue (a thread is started only when its task gets a
 * slot, so tasks start in exactly the order they were submitted) and nothing fails
 * because it waited. Stop is cooperative: the task's cancel flag is set and its thread
 * interrupted; a task stopped while waiting runs its body at once, interrupted, only to
 * record the stop.
 *
 * <p>Invariant: a task id is in {@link #active} from {@link #submit} until its body has
 * returned, so "is it running?" has one answer for every face. {@code running} and
 * {@code queue} change only under the lock.
 */
public final class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class.getName());

    /** The code of one task; gets its cancel flag. */
    @FunctionalInterface
    public interface Body {
        void run(AtomicBoolean cancelled) throws Exception;
    }

    private static final class Active {
        final String id;
        final Body body;
        final AtomicBoolean cancelled = new AtomicBoolean();
        volatile Thread thread;
        boolean holdsSlot;

        Active(String id, Body body) {
            this.id = id;
            this.body = body;
        }
    }

    private final int maxRunning;
    private final int maxQueued;
    private final ArrayDeque<Active> queue = new ArrayDeque<>();
    private int running;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public Runner(int maxRunning, int maxQueued) {
        this.maxRunning = maxRunning;
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
        var a = new Active(id, body);
        synchronized (this) {
            if (active.containsKey(id)) return false;
            if (running < maxRunning) {
                running++;
                a.holdsSlot = true;
            } else if (queue.size() >= maxQueued) {
                throw new QueueFull();
            } else {
                queue.addLast(a);
            }
            active.put(id, a);
        }
        if (a.holdsSlot) start(a, false);
        return true;
    }

    private void start(Active a, boolean interrupted) {
        Thread t = Thread.ofVirtual().name("task-" + a.id).unstarted(() -> {
            try {
                if (interrupted) Thread.currentThread().interrupt();
                a.body.run(a.cancelled);
            } catch (Throwable e) {
                if (!shuttingDown) LOG.log(Level.SEVERE, "task " + a.id + " escaped its body", e);
            } finally {
                finished(a);
            }
        });
        a.thread = t; // before start, so a stop that sees the thread can interrupt it
        t.start();
    }

    private void finished(Active a) {
        Active next = null;
        synchronized (this) {
            active.remove(a.id, a);
            if (a.holdsSlot) {
                running--;
                if (!shuttingDown && (next = queue.pollFirst()) != null) {
                    running++;
                    next.holdsSlot = true;
                }
            }
        }
        if (next != null) start(next, false);
    }

    public boolean isActive(String id) {
        return active.containsKey(id);
    }

    /**
     * Requests a stop and waits up to {@code waitMs} for the task's code to return.
     * Returns false if the task was not active.
     */
    public boolean stop(String id, long waitMs) {
        Active a;
        boolean wasQueued;
        synchronized (this) {
            a = active.get(id);
            if (a == null) return false;
            a.cancelled.set(true);
            wasQueued = queue.remove(a);
        }
        if (wasQueued) start(a, true);
        Thread t = a.thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(java.time.Duration.ofMillis(waitMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }

    /** Number of tasks waiting for a slot. */
    public synchronized int waiting() {
        return queue.size();
    }

    public int activeCount() {
        return active.size();
    }

    /**
     * Interrupts every running task without marking it stopped, and starts no queued one:
     * what they journaled stays, and a restart resumes them as after a crash. Waits up to
     * {@code waitMs} for them to end.
     */
    public void shutdown(long waitMs) {
        shuttingDown = true;
        synchronized (this) {
            queue.clear();
        }
        for (Active a : active.values()) if (a.thread != null) a.thread.interrupt();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (Active a : active.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || a.thread == null) continue;
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
