package taskrunner.core;

import taskrunner.store.Leases;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one state machine of every task, for every face. Faces ask; this class decides,
 * journals and runs. No other class changes a task's {@link TaskState}.
 *
 * <pre>
 *                 start / submit            slot free
 *   (new) ──► PENDING ──────────► QUEUED ───────────► RUNNING ──── code returns ───► DONE
 *     │                            ▲  │                  │   └──── code throws ────► DONE (error)
 *     └── submit / enqueue ────────┘  │ stop             │ stop
 *                                     ▼                  ▼
 *                                  STOPPED ◄─────────── STOPPED (partial output kept)
 *
 *   RUNNING longer than its execution's maxRunTime ──► DONE (error: ran longer than its limit)
 *
 *   process ends while QUEUED or RUNNING ──► at the next start the face's Recovery.Policy:
 *       Run     ─► QUEUED / RUNNING again (row tasks resume after their last checkpoint)
 *       Requeue ─► QUEUED, handed back to the face to schedule
 *       Fail    ─► DONE with the policy's error
 * </pre>
 *
 * <ul>
 *   <li>DONE and STOPPED are final: nothing moves a task out of them.</li>
 *   <li>A stop journals STOPPED first (so it survives a crash at any later moment), then
 *       signals the run's {@link Cancellation}; the run's end adds its partial output.</li>
 *   <li>A server shutdown is not a stop: runs are cancelled with reason SHUTDOWN, a partial
 *       outcome is kept for resuming ({@link Outcome.Output#keep()}) and the state stays
 *       QUEUED or RUNNING for the recovery policy of the next start.</li>
 *   <li>A refused admission ({@link Busy}) changes nothing: the runner place is reserved
 *       before anything is journaled, and given back if journaling fails.</li>
 * </ul>
 *
 * <p>Every change of a state is logged here, one line per event ({@link TaskEvents}).
 *
 * <p>Threading: every method may be called from any request thread; changes of one task
 * are serialized by {@link TaskService}.
 */
public final class Lifecycle {
    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());

    private record Face(Execution execution, Recovery.Policy policy) {}

    private final TaskService tasks;
    private final Runner runner;
    private final Map<String, Face> faces = new ConcurrentHashMap<>();

    /** Tasks this server is ending itself outside a run (a stop, a fail): no news to {@link #shareWithOtherServers}. */
    private final Set<String> endingHere = ConcurrentHashMap.newKeySet();
    private volatile boolean shared;
    private volatile Leases leases = Leases.NONE;
    /**
     * Shared: the ids of the tasks a take-over round looks at (queued, running, or owing their
     * end's work), so a round every second costs what is unsettled, not every task kept. Kept by
     * the listener from the first {@link #recover} on, which fills it from every stored task.
     */
    private final Set<String> unsettled = ConcurrentHashMap.newKeySet();
    private boolean unsettledFilled; // recover's (synchronized)

    public Lifecycle(TaskService tasks, Runner runner) {
        this.tasks = tasks;
        this.runner = runner;
    }

    /**
     * Tasks are shared with other servers on one database ({@code --postgres}):
     * <ul>
     * <li>This server runs a task, or keeps it queued in its face's lane, only while it holds the
     *     task's lease ({@link Leases}): claimed before the write that hands the task to it, given
     *     back after the write that ends its run (or at shutdown, so another server takes the task
     *     over at once). A lease lost (taken over after this server was cut off or paused) ends
     *     the run here without another write ({@link Cancellation.Reason#LEASE_LOST}).</li>
     * <li>A task RUNNING that this server's runner does not have may run on another, so
     *     {@link #stop} journals its STOPPED without a run to signal here; and a run this server
     *     has is cancelled when another server's stop of its task reaches this server's memory
     *     (its next catch-up, within 200 ms): the run then ends as a stop here does. A delete of
     *     a task queued or running anywhere is refused, as one with this server's runner is.</li>
     * <li>Every {@code takeOverEvery}, {@link #recover} runs again: tasks queued or running
     *     whose lease no live server holds (their server died, or shut down) are claimed and
     *     recovered here as after a crash.</li>
     * </ul>
     */
    public void shareWithOtherServers(Leases leases, Duration takeOverEvery) {
        shared = true;
        this.leases = leases;
        leases.onLost(id -> runner.abandon(id)); // only signals: quick
        tasks.listen((old, now) -> {
            if (now != null && unsettled(now)) unsettled.add(now.id());
            else if (old != null) unsettled.remove(old.id());
            if (old == null) return;
            String id = old.id();
            boolean endedElsewhere = !old.state().finished() && (now == null || now.state().finished())
                    && !endingHere.contains(id);
            if (endedElsewhere && runner.isActive(id)) runner.stop(id); // only signals: quick
            boolean endsWorkDone = owesEnd(old) && (now == null || !owesEnd(now));
            // queued in a lane here and ended by another server, or its end's work recorded: the lease goes back
            if ((endsWorkDone || endedElsewhere && !runner.isActive(id)) && leases.holds(id)) {
                Thread.ofVirtual().start(() -> leases.release(id));
            }
        });
        Thread.ofPlatform().daemon().name("take-over").start(() -> {
            while (!runner.shuttingDown()) {
                try {
                    Thread.sleep(takeOverEvery);
                } catch (InterruptedException e) {
                    return;
                }
                if (!runner.shuttingDown()) recover();
            }
        });
    }

    /** Whether the task's face still owes work for its end ({@link Execution#owesEnd}). */
    private boolean owesEnd(Task t) {
        Face f = faces.get(t.face());
        return f != null && t.state().finished() && f.execution().owesEnd(t);
    }

    /** {@link #transition} of a task this server ends outside a run (it keeps the lease for the end's work). */
    private Task endedHere(String id, UnaryOperator<Task> change) throws IOException {
        endingHere.add(id);
        try {
            return transition(id, change);
        } finally {
            endingHere.remove(id);
        }
    }

    /** Queued, running, or final with its end's work owed: what recovery and a take-over look at. */
    private boolean unsettled(Task t) {
        return t.state() == TaskState.QUEUED || t.state() == TaskState.RUNNING || owesEnd(t);
    }

    /** Every stored task, the first time (and always with one server alone); then the unsettled ones. */
    private java.util.Collection<Task> candidates() {
        if (!shared || !unsettledFilled) {
            var all = tasks.stored();
            if (shared) {
                for (Task t : all) if (unsettled(t)) unsettled.add(t.id());
                unsettledFilled = true;
            }
            return all;
        }
        var list = new ArrayList<Task>(unsettled.size());
        for (String id : unsettled) {
            Task t = tasks.get(id);
            if (t != null && unsettled(t)) list.add(t);
            else unsettled.remove(id); // settled while the fill ran: the listener's removal came first
        }
        return list;
    }

    /** Gives a task's lease back, unless its end's work is still owed (then the listener does once that is recorded). */
    private void releaseUnlessOwed(String id) {
        Task now = tasks.get(id);
        if (now == null || !owesEnd(now)) leases.release(id);
    }

    /** Claims a task's lease for this server's runner: false if another live server holds it. */
    private boolean claim(String id) throws IOException {
        return leases.claim(id).held();
    }

    /** A task that is not pending cannot be started. */
    public static final class NotPending extends Exception {
        public NotPending(String id) {
            super("task " + id + " is not pending", null, false, false);
        }
    }

    /** A task that is neither queued nor running cannot be stopped. */
    public static final class NotActive extends Exception {
        public NotActive(String id) {
            super("task " + id + " is not running", null, false, false);
        }
    }

    /** Declares how a face's tasks run and what happens to them after a crash. Before {@link #recover}. */
    public void register(String face, Execution execution, Recovery.Policy policy) {
        if (faces.putIfAbsent(face, new Face(execution, policy)) != null) {
            throw new IllegalArgumentException("face " + face + " is registered twice");
        }
    }

    /**
     * Deletes a task that is not with the runner, with its blobs ({@link TaskService#delete})
     * and what its face keeps beside it ({@link Execution#deleted}: a CKAN job's logs).
     *
     * @return the deleted version, or null if there was none
     * @throws TaskService.TaskActive if it is queued or running with the runner
     */
    public Task delete(String id) throws IOException, TaskService.TaskActive {
        Task cur = shared ? tasks.get(id) : null;
        if (cur != null && (cur.state() == TaskState.QUEUED || cur.state() == TaskState.RUNNING)) {
            throw new TaskService.TaskActive(id); // it may be with another server's runner: stop it first, as here
        }
        Task gone = tasks.delete(id);
        Face face = gone == null ? null : faces.get(gone.face());
        if (face != null) face.execution().deleted(gone);
        return gone;
    }

    /** Journals a new task, PENDING: created, not asked to run. */
    public Task create(Task draft) throws IOException {
        return insert(draft.withState(TaskState.PENDING));
    }

    /**
     * Journals a new task QUEUED without running it; its face hands it to {@link #run} when
     * its turn comes (EntryScape runs the jobs of one distribution one after another).
     */
    public Task enqueue(Task draft) throws IOException {
        if (!claim(draft.id())) throw new taskrunner.store.Conflict("task", draft.id());
        try {
            return insert(draft.withState(TaskState.QUEUED));
        } catch (IOException | RuntimeException e) {
            leases.release(draft.id());
            throw e;
        }
    }

    /**
     * Journals a new task and runs it as soon as a slot is free.
     *
     * @throws Busy if the queue is full; then nothing is journaled
     */
    public Task submit(Task draft) throws IOException {
        Runner.Ticket ticket = admit(draft);
        Task t;
        try {
            if (!claim(draft.id())) throw new taskrunner.store.Conflict("task", draft.id()); // its id, made on another server at once
            t = insert(admitted(draft, ticket));
        } catch (IOException | RuntimeException e) {
            ticket.cancel();
            leases.release(draft.id());
            throw e;
        }
        ticket.go(body(t.id(), execution(t)));
        return t;
    }

    /**
     * Asks a PENDING task to run (Kazoo's start); {@code faceChange} is the face's part of the
     * same journal write (Kazoo records the node that started it).
     *
     * @throws NotPending if it is not pending (already started, or ended)
     * @throws Busy       if the queue is full; then the task is left exactly as it was
     */
    public Task start(String id, UnaryOperator<Task> faceChange) throws IOException, NotPending {
        Task cur = tasks.get(id);
        if (cur == null || cur.state() != TaskState.PENDING) throw new NotPending(id);
        Runner.Ticket ticket = runner.admit(id, cur.accountId());
        if (ticket == null) throw new NotPending(id);
        Task t;
        try {
            if (!claim(id)) {
                ticket.cancel();
                throw new NotPending(id); // another server is starting it
            }
            t = transition(id, c -> c.state() == TaskState.PENDING ? faceChange.apply(admitted(c, ticket)) : c);
        } catch (IOException | RuntimeException e) {
            ticket.cancel();
            throw e;
        }
        if (t == null || t.state() == TaskState.PENDING) {
            ticket.cancel();
            leases.release(id);
            throw new NotPending(id);
        }
        ticket.go(body(id, execution(t)));
        return t;
    }

    /**
     * Hands a QUEUED task that waited outside the runner (see {@link #enqueue}) to it.
     *
     * @return false if the task is no longer QUEUED (stopped or deleted meanwhile): nothing runs
     * @throws Busy if the queue is full; the task stays QUEUED
     */
    public boolean run(String id) {
        Task t = tasks.get(id);
        if (t == null || t.state() != TaskState.QUEUED) return false;
        try {
            if (!claim(id)) return false; // another server took it over
        } catch (IOException e) {
            LOG.warning("task " + id + " is left queued: its lease could not be claimed (" + e.getMessage()
                    + "); a server takes it over when the database answers");
            return false;
        }
        Runner.Ticket ticket = admit(t);
        ticket.go(body(id, execution(t)));
        return true;
    }

    /**
     * Stops a queued or running task: STOPPED is journaled at once, then its run is
     * cancelled; waits up to {@code wait} for the run to add its partial output.
     *
     * @return the task as it is after the wait
     * @throws NotActive if the task is neither queued nor running
     */
    public Task stop(String id, Duration wait) throws IOException, NotActive {
        Task cur = tasks.get(id);
        boolean active = runner.isActive(id);
        boolean notHere = cur != null && !active && (cur.state() == TaskState.QUEUED || cur.state() == TaskState.RUNNING);
        // Shared: the lease says who ends it; a live holder elsewhere ends it when it reads the stop,
        // else (queued in a lane here, or its server died) this server does, holding the lease meanwhile.
        boolean elsewhere = shared && notHere && !claim(id);
        boolean waitingOutside = notHere && !elsewhere && (shared || cur.state() == TaskState.QUEUED);
        if (cur == null || !(active || waitingOutside || elsewhere)) throw new NotActive(id);
        Task stopped;
        endingHere.add(id);
        try {
            stopped = transition(id, c -> c.state() == TaskState.QUEUED || c.state() == TaskState.RUNNING
                    ? c.withState(TaskState.STOPPED).withFinished(tasks.now()) : c);
        } finally {
            endingHere.remove(id);
        }
        if (elsewhere) return stopped; // the server that runs it ends the run when it reads the change
        if (!runner.stop(id)) {
            // Never reached the runner (it waited in its face's lane): its stop is its end.
            if (stopped != null && stopped.state() == TaskState.STOPPED) execution(stopped).ended(stopped);
            releaseUnlessOwed(id);
            return stopped;
        }
        runner.awaitEnd(id, wait);
        return tasks.get(id);
    }

    /** The end of a run that took longer than its execution allows. */
    private static final class TimeLimit extends Exception {
        TimeLimit(Duration limit) {
            super("the task ran longer than its limit of " + limit.toSeconds() + " s and was ended", null, false, false);
        }
    }

    /** True once the server is shutting down: nothing more is admitted. */
    public boolean closing() {
        return runner.shuttingDown();
    }

    /** Ends a QUEUED task that is not with the runner as done with {@code error}. */
    public Task fail(String id, String error) throws IOException {
        Task t = endedHere(id, c -> c.state() == TaskState.QUEUED && !runner.isActive(id) ? failed(c, error) : c);
        if (t != null && t.state() == TaskState.DONE) execution(t).ended(t);
        if (t == null || t.state().finished()) releaseUnlessOwed(id);
        return t;
    }

    /**
     * At start (and, with servers sharing a database, every few seconds after: a take-over):
     * applies each face's recovery policy to its tasks left queued or running, oldest first,
     * and hands the final tasks whose end's work is owed ({@link Execution#owesEnd}) to their
     * face's {@link Execution#ended}; each once its lease is claimed here (with one server
     * alone: always).
     */
    public synchronized void recover() {
        java.util.Set<String> elsewhere;
        try {
            elsewhere = leases.heldElsewhere();
        } catch (IOException e) {
            return; // the database did not answer: the next round tries again
        }
        var list = new ArrayList<Task>();
        for (Task t : candidates()) {
            if (unsettled(t) && !runner.isActive(t.id()) && !leases.holds(t.id()) && !elsewhere.contains(t.id())) {
                list.add(t);
            }
        }
        list.sort(Comparator.comparingLong(Task::created).thenComparing(Task::id));
        for (Task listed : list) {
            Face face = faces.get(listed.face());
            if (face == null) continue; // a face this server does not speak: leave its tasks alone
            try {
                Leases.Claim claim = leases.claim(listed.id());
                if (!claim.held()) continue;
                tasks.catchUp(); // what its last holder wrote before this claim
                Task t = tasks.get(listed.id());
                if (t != null && owesEnd(t)) {
                    if (claim.from() != null) LOG.info("task " + t.id() + " taken over from " + claim.from() + " for its end");
                    face.execution().ended(t); // the lease goes back once its end's work is recorded
                    continue;
                }
                if (t == null || !(t.state() == TaskState.QUEUED || t.state() == TaskState.RUNNING)) {
                    leases.release(listed.id()); // it ended meanwhile
                    continue;
                }
                if (claim.from() != null) LOG.info("task " + t.id() + " taken over from " + claim.from());
                switch (face.policy().decide(t)) {
                    case Recovery.Run r -> {
                        Runner.Ticket ticket = admit(t);
                        try {
                            transition(t.id(), c -> admitted(c, ticket));
                        } catch (IOException | RuntimeException e) {
                            ticket.cancel();
                            throw e;
                        }
                        ticket.go(body(t.id(), face.execution()));
                    }
                    case Recovery.Requeue q -> {
                        transition(t.id(), c -> c.withState(TaskState.QUEUED));
                        q.schedule().accept(t.id());
                    }
                    case Recovery.Fail f -> {
                        Task end = endedHere(t.id(), c -> failed(c, f.error()));
                        if (end != null) face.execution().ended(end);
                        releaseUnlessOwed(t.id());
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "could not recover task " + listed.id() + "; it is left as it was", e);
            }
        }
    }

    /** Admits the task for its owner (its account: the runner is fair between accounts). */
    private Runner.Ticket admit(Task t) {
        Runner.Ticket ticket = runner.admit(t.id(), t.accountId());
        if (ticket == null) throw new IllegalStateException("task " + t.id() + " is already with the runner");
        return ticket;
    }

    /**
     * The task as its admission makes it: RUNNING if it got a slot (started now, unless it had
     * started before a restart), else QUEUED.
     */
    private Task admitted(Task t, Runner.Ticket ticket) {
        return ticket.holdsSlot()
                ? t.withState(TaskState.RUNNING).withStarted(t.started() != null ? t.started() : tasks.now())
                : t.withState(TaskState.QUEUED);
    }

    private Execution execution(Task t) {
        Face f = faces.get(t.face());
        if (f == null) throw new IllegalStateException("no face " + t.face() + " is registered");
        return f.execution();
    }

    private Runner.Body body(String id, Execution execution) {
        return cancellation -> {
            try {
                run(id, execution, cancellation);
            } finally {
                // at a shutdown too: another server sharing the database may take it over at once;
                // kept while its end's work is owed (released when that is recorded)
                if (cancellation.reason() != Cancellation.Reason.LEASE_LOST) releaseUnlessOwed(id);
            }
        };
    }

    private void run(String id, Execution execution, Cancellation cancellation) throws IOException {
        Task t = tasks.get(id);
        if (t == null || t.state() == TaskState.DONE) return;
        TaskService.Progress progress = tasks.track(id);
        try {
            if (t.state() == TaskState.QUEUED && !cancellation.requested()) {
                t = transition(id, c -> c.state() == TaskState.QUEUED
                        ? c.withState(TaskState.RUNNING).withStarted(c.started() != null ? c.started() : tasks.now()) : c);
                if (t == null) return;
            }
            Outcome outcome = null;
            Throwable failure = null;
            Duration limit = execution.maxRunTime(t);
            Thread timer = limit == null ? null : Thread.ofVirtual().name("time-limit-" + id).start(() -> {
                try {
                    Thread.sleep(limit);
                    cancellation.cancel(Cancellation.Reason.TIME_LIMIT);
                } catch (InterruptedException ended) {
                    // the run ended in time (this is the timer's thread, never the task's)
                }
            });
            try {
                outcome = execution.run(t, new RunContext(t, cancellation));
            } catch (TaskContext.StoppedException e) {
                outcome = Outcome.partial();
            } catch (Exception | Error e) {
                failure = e;
            } finally {
                if (timer != null) timer.interrupt();
            }
            if (cancellation.reason() == Cancellation.Reason.LEASE_LOST) {
                if (outcome != null && outcome.output() != null) outcome.output().drop();
                Task now = tasks.get(id); // another server runs it now: nothing more is written here
                if (now != null) execution.ended(now);
                return;
            }
            if (cancellation.reason() == Cancellation.Reason.TIME_LIMIT && (outcome == null || !outcome.complete())) {
                failure = new TimeLimit(limit);
                outcome = null;
            }
            Task end = end(id, cancellation, outcome, failure);
            if (end == null) end = tasks.get(id);
            if (end != null) execution.ended(end);
        } finally {
            tasks.untrack(id, progress);
        }
    }

    /** Records how a run ended; returns the stored task (still RUNNING when interrupted by shutdown). */
    private Task end(String id, Cancellation cancellation, Outcome o, Throwable failure) {
        try {
            Task cur = tasks.get(id);
            if (cur == null) return null;
            boolean stopped = cur.state() == TaskState.STOPPED || cancellation.reason() == Cancellation.Reason.STOP;
            boolean complete = o != null && o.complete();
            if (!stopped && !complete && cancellation.reason() == Cancellation.Reason.SHUTDOWN) {
                if (o != null && o.output() != null) {
                    Checkpoint cp = o.output().keep();
                    tasks.update(id, c -> c.withCounters(o.succeeded(), o.failed()).withCheckpoint(cp));
                }
                LOG.info("task " + id + " interrupted by shutdown; the next start recovers it");
                return tasks.get(id);
            }
            String blob = o != null && o.output() != null ? o.output().commit() : null;
            UnaryOperator<Task> change;
            if (stopped) {
                change = c -> face(o, c.withState(TaskState.STOPPED)
                        .withFinished(c.finished() != null ? c.finished() : tasks.now())
                        .withCounters(o != null ? o.succeeded() : c.succeeded(), o != null ? o.failed() : c.failed())
                        .withOutput(blob != null ? blob : c.output()).withCheckpoint(null));
            } else if (failure != null) {
                // the end's one line is TaskEvents' "task failed"; what was thrown, for whoever turns on FINE
                if (!(failure instanceof TimeLimit)) LOG.log(Level.FINE, "task " + id + " threw", failure);
                String message = String.valueOf(failure.getMessage());
                change = c -> failed(c, message);
            } else {
                change = c -> face(o, c.withState(TaskState.DONE).withFinished(tasks.now())
                        .withCounters(o.succeeded(), o.failed()).withError(o.error())
                        .withOutput(blob != null ? blob : c.output()).withCheckpoint(null));
            }
            return transition(id, change);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "task " + id + ": could not record its end; the next start recovers it", e);
            return null;
        }
    }

    /** Journals a new task ({@link TaskService#insert}) and logs it. */
    private Task insert(Task t) throws IOException {
        Task stored = tasks.insert(t);
        TaskEvents.changed(null, stored);
        return stored;
    }

    /** {@link TaskService#transition}, logging the change of state it made, if it made one. */
    private Task transition(String id, UnaryOperator<Task> change) throws IOException {
        var before = new Task[1];
        Task after = tasks.transition(id, c -> {
            before[0] = c;
            return change.apply(c);
        });
        if (before[0] != null && after != null) TaskEvents.changed(before[0], after);
        return after;
    }

    /**
     * The task ended as a whole with {@code error}: DONE now, rows done so far kept, failed
     * rows unknown (Kazoo shows that as internal_error), no checkpoint left to resume from.
     */
    private Task failed(Task c, String error) {
        return c.withState(TaskState.DONE).withFinished(tasks.now()).withError(error)
                .withCounters(c.succeeded(), null).withCheckpoint(null);
    }

    private static Task face(Outcome o, Task t) {
        if (o == null || o.faceChange() == null) return t;
        Task n = o.faceChange().apply(t);
        if (n.state() != t.state()) throw new IllegalStateException("a face change may not set the state");
        return n;
    }

    /** The context of one run: the task's identity plus its cancel signal. */
    private record RunContext(Task task, Cancellation cancellation) implements TaskContext {
        public String taskId() {
            return task.id();
        }

        public String accountId() {
            return task.accountId();
        }

        public String authAccountId() {
            return task.authAccountId();
        }

        public boolean cancelled() {
            return cancellation.requested();
        }

        public void sleep(Duration d) throws StoppedException {
            cancellation.sleep(d);
        }

        public Cancellation.Registration onCancel(Runnable action) {
            return cancellation.onCancel(action);
        }
    }
}
