package taskrunner.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each admitted task on its own virtual thread, at most {@code maxRunning} at a time;
 * the rest wait, and nothing fails because it waited. Waiting is fair between owners: each
 * owner (an account; {@link #ANONYMOUS} for tasks of none) has its own FIFO queue, and a
 * freed slot goes to the next owner in turn (round robin), so one owner's burst delays
 * another's task by at most one task per owner ahead of it. Within one owner tasks start in
 * exactly the order they were admitted (a thread is started only when its task gets a slot).
 * Anonymous tasks hold at most {@code maxAnonymous} slots at once.
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
 * An owner is in {@code turns} exactly while its queue in {@code queues} is not empty.
 * {@code running}, {@code runningByOwner}, {@code queues}, {@code turns}, {@code waiting}
 * and every {@link Active}'s fields change only under the runner's lock.
 */
public final class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class.getName());

    /** The code of one task; gets the cancel signal of its run. */
    @FunctionalInterface
    public interface Body {
        void run(Cancellation cancellation) throws Exception;
    }

    /** The owner of tasks that belong to no account (CKAN's anonymous submissions). */
    public static final String ANONYMOUS = "";

    private final class Active {
        final String id;
        final String owner;
        final Cancellation cancellation = new Cancellation();
        Body body;
        Thread thread;
        boolean holdsSlot;
        boolean queued;

        Active(String id, String owner) {
            this.id = id;
            this.owner = owner;
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
    private final int maxAnonymous;
    private final Map<String, ArrayDeque<Active>> queues = new HashMap<>();
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private final Map<String, Integer> runningByOwner = new HashMap<>();
    private int running;
    private int waiting;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    /** A runner where anonymous tasks may take every slot. */
    public Runner(int maxRunning, int maxQueued) {
        this(maxRunning, maxQueued, maxRunning);
    }

    public Runner(int maxRunning, int maxQueued, int maxAnonymous) {
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.maxAnonymous = Math.max(1, Math.min(maxAnonymous, maxRunning));
    }

    /**
     * Reserves a slot, or a place in its owner's queue, for task {@code id}.
     *
     * @param owner the account the task belongs to, or null for {@link #ANONYMOUS}
     * @return null if the id is already active
     * @throws Busy when {@code maxQueued} tasks are already waiting, or the runner is closing
     */
    public Ticket admit(String id, String owner) {
        var a = new Active(id, owner == null ? ANONYMOUS : owner);
        synchronized (this) {
            if (shuttingDown) throw new Busy("the server is shutting down");
            if (active.containsKey(id)) return null;
            // Waiting tasks are never runnable (a freed slot goes to them at once), so a free slot
            // this owner may use is taken by nobody else.
            if (mayRun(a.owner)) {
                take(a);
            } else if (waiting >= maxQueued) {
                throw new Busy("the task queue is full");
            } else {
                enqueue(a);
            }
            active.put(id, a);
            return new Ticket(a, a.holdsSlot);
        }
    }

    /** Whether a task of {@code owner} may take a free slot now. Under the lock. */
    private boolean mayRun(String owner) {
        if (running >= maxRunning) return false;
        return !owner.equals(ANONYMOUS) || runningByOwner.getOrDefault(ANONYMOUS, 0) < maxAnonymous;
    }

    private void take(Active a) {
        running++;
        runningByOwner.merge(a.owner, 1, Integer::sum);
        a.holdsSlot = true;
    }

    private void enqueue(Active a) {
        var q = queues.computeIfAbsent(a.owner, k -> new ArrayDeque<>());
        if (q.isEmpty()) turns.addLast(a.owner);
        q.addLast(a);
        a.queued = true;
        waiting++;
    }

    private void dequeue(Active a) {
        var q = queues.get(a.owner);
        if (q == null || !q.remove(a)) return;
        a.queued = false;
        waiting--;
        if (q.isEmpty()) {
            queues.remove(a.owner);
            turns.remove(a.owner);
        }
    }

    /** The next waiting task that may take a free slot, owners in turn; null if none. Under the lock. */
    private Active nextInTurn() {
        for (int i = 0, n = turns.size(); i < n; i++) {
            String owner = turns.pollFirst();
            var q = queues.get(owner);
            if (mayRun(owner)) {
                Active next = q.pollFirst();
                next.queued = false;
                waiting--;
                if (q.isEmpty()) queues.remove(owner);
                else turns.addLast(owner);
                return next;
            }
            turns.addLast(owner);
        }
        return null;
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

    /** Frees the task's slot (or queue place) and starts the next waiting tasks in turn that have their body. */
    private void release(Active a) {
        var starts = new ArrayList<Active>(1);
        synchronized (this) {
            if (!active.remove(a.id, a)) return;
            if (a.queued) dequeue(a);
            if (a.holdsSlot) {
                a.holdsSlot = false;
                running--;
                runningByOwner.computeIfPresent(a.owner, (k, n) -> n == 1 ? null : n - 1);
                // one slot freed, but an anonymous slot may have freed a place for someone else too
                Active next;
                while (!shuttingDown && (next = nextInTurn()) != null) {
                    take(next);
                    if (next.body != null) starts.add(next); // else its go() will start it
                }
            }
        }
        for (Active next : starts) start(next);
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
        return cancel(id, Cancellation.Reason.STOP);
    }

    /**
     * Lets go of a task another server runs now ({@link Cancellation.Reason#LEASE_LOST}): as
     * {@link #stop}, with that reason, so its body ends without recording anything.
     */
    public boolean abandon(String id) {
        return cancel(id, Cancellation.Reason.LEASE_LOST);
    }

    private boolean cancel(String id, Cancellation.Reason reason) {
        Active a;
        boolean startNow;
        synchronized (this) {
            a = active.get(id);
            if (a == null) return false;
            startNow = a.queued && a.body != null;
            if (a.queued) dequeue(a);
        }
        a.cancellation.cancel(reason);
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
        return waiting;
    }

    /** Number of tasks holding a slot. */
    public synchronized int running() {
        return running;
    }

    /**
     * Admits nothing more and starts no queued task; cancels every running task with reason
     * {@link Cancellation.Reason#SHUTDOWN}, so what they journaled stays and the next start
     * recovers them as after a crash. Waits up to {@code waitMs} for them to end.
     */
    public void shutdown(long waitMs) {
        synchronized (this) {
            shuttingDown = true;
            for (var q : queues.values()) {
                for (Active a : q) {
                    a.queued = false;
                    active.remove(a.id, a);
                }
            }
            queues.clear();
            turns.clear();
            waiting = 0;
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
