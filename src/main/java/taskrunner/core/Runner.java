package taskrunner.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each admitted task on its own virtual thread, at most {@code maxRunning} at a time;
 * the rest wait in a FIFO queue (a thread is started only when its task gets a slot, so
 * tasks start in exactly the order they were admitted) and nothing fails because it waited.
 *
 * <p>Admission has two steps so a refusal changes nothing: {@link #admit} reserves a slot
 * or a queue place (or throws {@link Busy}); the caller journals what that means and then
 * hands over the body with {@link Ticket#go}, or gives the place back with
 * {@link Ticket#cancel}.
 *
 * <p>Stop and shutdown never interrupt a task's thread: they set its {@link Cancellation},
 * which wakes its waits. A task stopped while it waits in the queue has its body run at
 * once (outside the slot count) so it can record the stop.
 *
 * <p>Invariant: a task id is in {@code active} from {@link #admit} until its body has
 * returned or its ticket was cancelled, so "is it running?" has one answer for every face.
 * {@code running}, {@code queue} and every {@link Active}'s fields change only under the
 * runner's lock.
 */
public final class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class.getName());

    /** The code of one task; gets the cancel signal of its run. */
    @FunctionalInterface
    public interface Body {
        void run(Cancellation cancellation) throws Exception;
    }

    private final class Active {
        final String id;
        final Cancellation cancellation = new Cancellation();
        Body body;
        Thread thread;
        boolean holdsSlot;
        boolean queued;

        Active(String id) {
            this.id = id;
        }
    }

    /** A reserved place for one task; exactly one of {@link #go} and {@link #cancel} is called. */
    public final class Ticket {
        private final Active a;
        private final boolean slotAtAdmission;

        private Ticket(Active a, boolean slotAtAdmission) {
            this.a = a;
            this.slotAtAdmission = slotAtAdmission;
        }

        /** True if the task got a slot at admission (it starts as soon as {@link #go} is called). */
        public boolean holdsSlot() {
            return slotAtAdmission;
        }

        /** Hands over the body: it runs now if the task holds a slot (or was stopped), else in turn. */
        public void go(Body body) {
            boolean start;
            synchronized (Runner.this) {
                a.body = body;
                start = a.holdsSlot || (a.cancellation.requested() && !a.queued);
            }
            if (start) start(a);
        }

        /** Gives the place back (the caller could not record the admission). */
        public void cancel() {
            release(a);
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

    /**
     * Reserves a slot, or a place in the queue, for task {@code id}.
     *
     * @return null if the id is already active
     * @throws Busy when {@code maxQueued} tasks are already waiting, or the runner is closing
     */
    public Ticket admit(String id) {
        var a = new Active(id);
        synchronized (this) {
            if (shuttingDown) throw new Busy("the server is shutting down");
            if (active.containsKey(id)) return null;
            if (running < maxRunning) {
                running++;
                a.holdsSlot = true;
            } else if (queue.size() >= maxQueued) {
                throw new Busy("the task queue is full");
            } else {
                queue.addLast(a);
                a.queued = true;
            }
            active.put(id, a);
            return new Ticket(a, a.holdsSlot);
        }
    }

    private void start(Active a) {
        Thread t = Thread.ofVirtual().name("task-" + a.id).unstarted(() -> {
            try {
                a.body.run(a.cancellation);
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "task " + a.id + " escaped its body", e);
            } finally {
                release(a);
            }
        });
        synchronized (this) {
            a.thread = t; // before start, so a stop that sees the thread can wait for it
        }
        t.start();
    }

    /** Frees the task's slot (or queue place) and starts the next waiting task that has its body. */
    private void release(Active a) {
        Active next = null;
        synchronized (this) {
            if (!active.remove(a.id, a)) return;
            if (a.queued) {
                queue.remove(a);
                a.queued = false;
            }
            if (a.holdsSlot) {
                a.holdsSlot = false;
                running--;
                if (!shuttingDown && (next = queue.pollFirst()) != null) {
                    next.queued = false;
                    next.holdsSlot = true;
                    running++;
                    if (next.body == null) next = null; // its go() will start it
                }
            }
        }
        if (next != null) start(next);
    }

    public boolean isActive(String id) {
        return active.containsKey(id);
    }

    /**
     * Asks a task to stop: sets its cancel signal (which wakes its waits and runs its cancel
     * actions) and, if it was waiting for a slot, runs its body at once to record the stop.
     * Returns false if the task was not active.
     */
    public boolean stop(String id) {
        Active a;
        boolean startNow;
        synchronized (this) {
            a = active.get(id);
            if (a == null) return false;
            startNow = a.queued && a.body != null;
            if (a.queued) {
                queue.remove(a);
                a.queued = false;
            }
        }
        a.cancellation.cancel(Cancellation.Reason.STOP);
        if (startNow) start(a);
        return true;
    }

    /** Waits up to {@code wait} for the task's body to return; true if it is no longer active. */
    public boolean awaitEnd(String id, Duration wait) {
        Active a = active.get(id);
        if (a == null) return true;
        Thread t;
        synchronized (this) {
            t = a.thread;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (t != null) t.join(wait);
            // not yet started (no body handed over): poll until it is or the time is up
            while (active.get(id) == a && System.nanoTime() < deadline) {
                synchronized (this) {
                    t = a.thread;
                }
                if (t != null) t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                else Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return active.get(id) != a;
    }

    /** Number of tasks waiting for a slot. */
    public synchronized int waiting() {
        return queue.size();
    }

    /**
     * Admits nothing more and starts no queued task; cancels every running task with reason
     * {@link Cancellation.Reason#SHUTDOWN}, so what they journaled stays and the next start
     * recovers them as after a crash. Waits up to {@code waitMs} for them to end.
     */
    public void shutdown(long waitMs) {
        synchronized (this) {
            shuttingDown = true;
            for (Active q : queue) {
                q.queued = false;
                active.remove(q.id, q);
            }
            queue.clear();
        }
        for (Active a : active.values()) a.cancellation.cancel(Cancellation.Reason.SHUTDOWN);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (Active a : active.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            awaitEnd(a.id, Duration.ofNanos(left));
        }
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }
}
