package taskrunner.core;

import taskrunner.store.BlobStore;
import taskrunner.store.Store;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place tasks are created, changed, run, stopped and deleted; faces translate
 * their wire formats to calls on this and never write tasks to the store themselves.
 *
 * <p>Invariants: every change of a task goes through {@link #update}, which serializes
 * changes of one task (read, change, journal, publish) so no change is lost; a task in a
 * final state ({@link TaskState#finished()}) keeps that state. Live progress of running
 * tasks is kept beside the store and merged into what {@link #get} returns, so counters
 * move while a task executes without a journal write per row.
 */
public final class TaskService {
    private static final Logger LOG = Logger.getLogger(TaskService.class.getName());

    /** The code that runs one task, on its own virtual thread. */
    @FunctionalInterface
    public interface Execution {
        void run(Task task, TaskContext ctx) throws Exception;
    }

    /** Counters a running task publishes as it goes. */
    public static final class Progress {
        public volatile long succeeded;
        public volatile long failed;
    }

    private final Store store;
    private final BlobStore blobs;
    private final Registry registry;
    private final Runner runner;
    private final Clock clock;
    private final Object[] locks = new Object[64];
    private final Map<String, Set<String>> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Progress> live = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Task>> recoverers = new ConcurrentHashMap<>();

    public TaskService(Store store, BlobStore blobs, Registry registry, Runner runner, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.registry = registry;
        this.runner = runner;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        store.listen(TaskCodec.KIND, (old, now) -> {
            if (old != null && now == null) {
                var ids = byAccount.get(key(old));
                if (ids != null) ids.remove(old.id());
            } else if (now != null) {
                byAccount.computeIfAbsent(key(now), k -> ConcurrentHashMap.newKeySet()).add(now.id());
            }
        });
        for (Task t : store.all(TaskCodec.KIND)) {
            byAccount.computeIfAbsent(key(t), k -> ConcurrentHashMap.newKeySet()).add(t.id());
        }
    }

    private static String key(Task t) {
        return t.face() + "/" + t.accountId();
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
        return taskrunner.auth.Secrets.hex(bytes);
    }

    /** The task with live counters merged in, or null. */
    public Task get(String id) {
        Task t = store.get(TaskCodec.KIND, id);
        if (t == null) return null;
        Progress p = live.get(id);
        return p == null || t.state().finished() ? t : t.withCounters(p.succeeded, p.failed);
    }

    /** Tasks of one face and account, newest first (ties: id descending). */
    public List<Task> list(String face, String accountId) {
        var ids = byAccount.getOrDefault(face + "/" + accountId, Set.of());
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
        for (Task t : store.all(TaskCodec.KIND)) if (face.equals(t.face())) out.add(get(t.id()));
        return out;
    }

    public int count() {
        return store.count(TaskCodec.KIND);
    }

    /** Stores a new task; returns once it is durable. */
    public Task create(Task t) throws IOException {
        store.put(TaskCodec.KIND, t.id(), t);
        return t;
    }

    /**
     * Changes one task: {@code change} gets the current version and returns the new one (or
     * the same object for no change). Returns the stored version, or null if the task is
     * gone. A task in a final state is never moved out of it.
     */
    public Task update(String id, UnaryOperator<Task> change) throws IOException {
        synchronized (lock(id)) {
            Task cur = store.get(TaskCodec.KIND, id);
            if (cur == null) return null;
            Task next = change.apply(cur);
            if (next == cur || next == null) return cur;
            if (cur.state().finished() && next.state() != cur.state()) {
                next = next.withState(cur.state());
            }
            store.put(TaskCodec.KIND, id, next);
            return next;
        }
    }

    /**
     * Deletes a task that is not active, with its blobs. Returns the deleted version, or
     * null if there was none; throws {@link IllegalStateException} if it is running.
     */
    public Task delete(String id) throws IOException {
        synchronized (lock(id)) {
            Task cur = store.get(TaskCodec.KIND, id);
            if (cur == null) return null;
            if (runner.isActive(id)) throw new IllegalStateException("task is running");
            store.delete(TaskCodec.KIND, id);
            blobs.delete(cur.input());
            blobs.delete(cur.output());
            blobs.deleteWork(RowExecution.workFile(cur.id()));
            for (Object v : cur.extras().values()) {
                if (v instanceof String s && s.startsWith("blob:")) blobs.delete(s.substring(5));
            }
            return cur;
        }
    }

    public boolean isActive(String id) {
        return runner.isActive(id);
    }

    /**
     * Runs {@code execution} for the task on its own virtual thread once a slot is free.
     * The execution writes the task's final state itself through {@link #update}.
     *
     * @return false if the task is already active
     * @throws Runner.QueueFull if the wait queue is full
     */
    public boolean run(String id, Execution execution) {
        Progress progress = new Progress();
        return runner.submit(id, cancelled -> {
            Task t = store.get(TaskCodec.KIND, id);
            if (t == null) return;
            live.put(id, progress);
            try {
                execution.run(t, context(t, cancelled));
            } catch (Exception e) {
                if (runner.shuttingDown() && !cancelled.get()) return; // resumed at next start
                LOG.log(Level.WARNING, "task " + id + " failed", e);
                try {
                    update(id, cur -> cur.state().finished() ? cur
                            : cur.withState(TaskState.DONE).withFinished(now()).withError(String.valueOf(e.getMessage()))
                            .withCounters(cur.succeeded(), null));
                } catch (IOException io) {
                    LOG.log(Level.SEVERE, "task " + id + ": could not record its failure", io);
                }
            } finally {
                live.remove(id, progress);
            }
        });
    }

    /** Live counters of a running task (its execution writes them), or null. */
    public Progress progress(String id) {
        return live.get(id);
    }

    /** Requests a stop and waits briefly for the task code to record it. */
    public boolean stop(String id) {
        return runner.stop(id, 5000);
    }

    /**
     * Registers what to do at start with this face's tasks that were queued or running
     * when the process last ended.
     */
    public void onRecover(String face, Consumer<Task> recoverer) {
        recoverers.put(face, recoverer);
    }

    /** Hands every queued or running task to its face's recoverer (oldest first). */
    public void recover() {
        var list = new ArrayList<>(store.all(TaskCodec.KIND));
        list.sort(Comparator.comparingLong(Task::created));
        for (Task t : list) {
            if (t.state() != TaskState.QUEUED && t.state() != TaskState.RUNNING) continue;
            var r = recoverers.get(t.face());
            if (r == null) continue;
            try {
                r.accept(t);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "could not recover task " + t.id(), e);
            }
        }
    }

    private TaskContext context(Task t, AtomicBoolean cancelled) {
        return new TaskContext() {
            public String taskId() {
                return t.id();
            }

            public String accountId() {
                return t.accountId();
            }

            public String authAccountId() {
                return t.authAccountId();
            }

            public boolean cancelled() {
                return cancelled.get();
            }
        };
    }

    private Object lock(String id) {
        return locks[(id.hashCode() & 0x7fffffff) % locks.length];
    }
}
