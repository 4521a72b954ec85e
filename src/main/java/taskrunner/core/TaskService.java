package taskrunner.core;

import taskrunner.store.BlobStore;
import taskrunner.store.Conflict;
import taskrunner.store.Kind;
import taskrunner.store.Store;
import taskrunner.util.NamedLocks;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The tasks as records: read, list, change their data, delete; faces translate their
 * wire formats to calls on this and on {@link Lifecycle} (which alone creates tasks and
 * changes their states) and never write tasks to the store themselves.
 *
 * <p>Invariants: every change of a task is serialized per task (read, change, journal,
 * publish) so no change is lost; a task in a final state ({@link TaskState#finished()})
 * keeps that state. Live progress of running
 * tasks is kept beside the store and merged into what {@link #get} returns, so counters
 * move while a task executes without a journal write per row.
 */
public final class TaskService {
    /** Counters a running task publishes as it goes. */
    public static final class Progress {
        public volatile long succeeded;
        public volatile long failed;
    }

    private final Store store;
    private final Kind<Task> kind;
    private final BlobStore blobs;
    private final Registry registry;
    private final Runner runner;
    private final Clock clock;
    private final NamedLocks locks = new NamedLocks();
    /** Task ids by face, then account: two lookups of shared strings, not a key string made per task. */
    private final Map<String, Map<String, Set<String>>> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Progress> live = new ConcurrentHashMap<>();

    /** {@code kind} is the store's kind for tasks ({@link TaskCodec#kind}). */
    public TaskService(Store store, Kind<Task> kind, BlobStore blobs, Registry registry, Runner runner, Clock clock) {
        this.store = store;
        this.kind = kind;
        this.blobs = blobs;
        this.registry = registry;
        this.runner = runner;
        this.clock = clock;
        store.listen(kind, (old, now) -> {
            if (old != null && now == null) {
                ids(old.face(), old.accountId()).remove(old.id());
            } else if (now != null) {
                ids(now.face(), now.accountId()).add(now.id());
            }
        });
        for (Task t : store.all(kind)) ids(t.face(), t.accountId()).add(t.id());
    }

    /** The set of ids of one face and account, made empty if there is none (a null account is "null", as before). */
    private Set<String> ids(String face, String accountId) {
        return byAccount.computeIfAbsent(face, f -> new ConcurrentHashMap<>())
                .computeIfAbsent(String.valueOf(accountId), a -> ConcurrentHashMap.newKeySet());
    }

    public Registry registry() {
        return registry;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public Runner runner() {
        return runner;
    }

    public Clock clock() {
        return clock;
    }

    public long now() {
        return clock.millis();
    }

    /** A fresh random id of {@code bytes} bytes, as lowercase hex. */
    public static String newId(int bytes) {
        return taskrunner.util.RandomIds.hex(bytes);
    }

    /** The task with live counters merged in, or null. */
    public Task get(String id) {
        Task t = store.get(kind, id);
        if (t == null) return null;
        Progress p = live.get(id);
        return p == null || t.state().finished() ? t : t.withCounters(p.succeeded, p.failed);
    }

    /** Tasks of one face and account, newest first (ties: id descending). */
    public List<Task> list(String face, String accountId) {
        var ids = byAccount.getOrDefault(face, Map.of()).getOrDefault(String.valueOf(accountId), Set.of());
        var out = new ArrayList<Task>(ids.size());
        for (String id : ids) {
            Task t = get(id);
            if (t != null) out.add(t);
        }
        out.sort(Comparator.comparingLong(Task::created).thenComparing(Task::id).reversed());
        return out;
    }

    /** Every task of a face (for listings that are not per account). */
    public List<Task> all(String face) {
        var out = new ArrayList<Task>();
        for (Task t : store.all(kind)) if (face.equals(t.face())) out.add(get(t.id()));
        return out;
    }

    public int count() {
        return store.count(kind);
    }

    /** Calls {@code listener(old, new)} after every change of a task, as {@link Store#listen} (quick, no writes). */
    void listen(java.util.function.BiConsumer<Task, Task> listener) {
        store.listen(kind, listener);
    }

    /**
     * Stores a new task; returns once it is durable. Only {@link Lifecycle} creates tasks.
     *
     * @throws taskrunner.store.Conflict if another server sharing the database created a task of
     *         this id meanwhile (an id the client chose, as CKAN's job_id): nothing was written
     */
    Task insert(Task t) throws IOException {
        store.create(kind, t.id(), t); // only where no task has the id: a put would overwrite the other's
        return t;
    }

    /**
     * Changes the data of one task (counters, face state, checkpoints): {@code change} gets
     * the current version and returns the new one (or the same object for no change).
     * Returns the stored version, or null if the task is gone.
     *
     * @throws IllegalArgumentException if the change would set another state: states are
     *                                  changed by {@link Lifecycle} alone
     */
    public Task update(String id, UnaryOperator<Task> change) throws IOException {
        return change(id, cur -> {
            Task next = change.apply(cur);
            if (next != null && next.state() != cur.state()) {
                throw new IllegalArgumentException("task states are changed by the lifecycle, not by update");
            }
            return next;
        });
    }

    /** Like {@link #update}, for {@link Lifecycle}: may change the state, never out of a final one. */
    Task transition(String id, UnaryOperator<Task> change) throws IOException {
        return change(id, cur -> {
            Task next = change.apply(cur);
            if (next != null && cur.state().finished() && next.state() != cur.state()) next = next.withState(cur.state());
            return next;
        });
    }

    /**
     * Read, change, write, serialized per task here; across servers sharing a database the
     * store refuses a write based on a version another server replaced ({@link Conflict}), and
     * the change is applied again to the newer version.
     */
    private Task change(String id, UnaryOperator<Task> change) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return locks.with(id, () -> {
                    Task cur = store.get(kind, id);
                    if (cur == null) return null;
                    Task next = change.apply(cur);
                    if (next == cur || next == null) return cur;
                    store.replace(kind, id, cur, next);
                    return next;
                });
            } catch (Conflict e) {
                if (attempt == 20) throw e; // memory holds the newer version: the next attempt changes that
            }
        }
    }

    /** A task that is queued or running cannot be deleted; stop it first. */
    public static final class TaskActive extends Exception {
        public TaskActive(String id) {
            super("task " + id + " is queued or running", null, false, false);
        }
    }

    /**
     * Deletes a task that is not active, with its blobs. Returns the deleted version, or
     * null if there was none.
     *
     * @throws TaskActive if it is with the runner (queued there, or running)
     */
    public Task delete(String id) throws IOException, TaskActive {
        boolean[] active = {false};
        Task gone = locks.with(id, () -> {
            Task cur = store.get(kind, id);
            if (cur == null) return null;
            if (runner.isActive(id)) {
                active[0] = true;
                return null;
            }
            store.delete(kind, id);
            blobs.delete(cur.input());
            blobs.delete(cur.output());
            blobs.deleteWork(RowExecution.workFile(cur.id()));
            if (cur.faceState() != null) for (String blob : cur.faceState().blobs()) blobs.delete(blob);
            return cur;
        });
        if (active[0]) throw new TaskActive(id);
        return gone;
    }

    public boolean isActive(String id) {
        return runner.isActive(id);
    }

    /** Live counters of a running task (its execution writes them), or null. */
    public Progress progress(String id) {
        return live.get(id);
    }

    Progress track(String id) {
        Progress p = new Progress();
        live.put(id, p);
        return p;
    }

    void untrack(String id, Progress p) {
        live.remove(id, p);
    }

    /** Brings memory up to what other servers sharing the database wrote (alone: nothing to do). */
    void catchUp() {
        store.catchUp();
    }

    /** Every stored task as journaled (no live counters), for recovery. */
    java.util.Collection<Task> stored() {
        return store.all(kind);
    }

}
