package taskrunner.metrics;

import taskrunner.Face;
import taskrunner.auth.Identity;
import taskrunner.core.Runner;
import taskrunner.core.Task;
import taskrunner.core.TaskState;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Router;
import taskrunner.store.BlobStore;
import taskrunner.store.Journal;
import taskrunner.store.Kind;
import taskrunner.store.Store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's own metrics (README, "Metrics and logs", lists them), fed by what the floors
 * below report and read from what they count:
 * <ul>
 *   <li>tasks: the store's listener on the task kind sees every journaled change of every
 *       face's tasks (state gauges, ends, durations);</li>
 *   <li>HTTP: the router's {@link Router.Exchanges}, by face, route pattern (never the raw
 *       path, so the series stay few; {@code unmatched} for a path no route has), method and
 *       status. The face is the one whose envelope answered, or, for a route with an envelope
 *       of its own (EntryScape's), the face that claims the route's path prefix; routes outside
 *       every face are {@code server};</li>
 *   <li>the journal: its {@link Journal.Listener} (events, batch sizes, fsync time);</li>
 *   <li>read at each scrape: the runner's queue and slots, the blob store's bytes, failed
 *       logins.</li>
 * </ul>
 * Every update is a {@link java.util.concurrent.atomic.LongAdder} step: no lock on a
 * request's or a write's path.
 */
public final class ServerMetrics implements Router.Exchanges, Journal.Listener {
    /** A task's state as a label: the core's states, with a DONE that carries an error as {@code failed}. */
    static final List<String> STATES = List.of("pending", "queued", "running", "done", "failed", "stopped");
    /** The face label of routes outside the faces (health, backup, metrics). */
    static final String NO_FACE = "server";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String[] STATUS = new String[600];

    static {
        for (int i = 0; i < STATUS.length; i++) STATUS[i] = Integer.toString(i);
    }

    private final List<Face> faces;
    /** Route pattern → face label, for routes answered in an envelope that is not a face. */
    private final ConcurrentHashMap<String, String> faceOfRoute = new ConcurrentHashMap<>();
    private final Counts tasks;
    private final Counts ended;
    private final Histogram durations;
    private final Counts requests;
    private final Counts appends;
    private final Histogram batches;
    private final Histogram fsyncs;

    private ServerMetrics(Metrics m, List<Face> faces) {
        this.faces = List.copyOf(faces);
        tasks = m.counts("taskrunner_tasks", "Tasks stored, by face and state.", "gauge", "face", "state");
        ended = m.counts("taskrunner_tasks_ended_total", "Tasks that reached a final state (done, failed, stopped), by face.",
                "counter", "face", "state");
        durations = m.histogram("taskrunner_task_duration_seconds", "Time from a task's start to its end, by face.",
                new double[] {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 10800}, "face");
        requests = m.counts("taskrunner_http_requests_total",
                "HTTP requests answered, by face, route pattern (unmatched: no route), method and status.",
                "counter", "face", "route", "method", "status");
        appends = m.counts("taskrunner_journal_appends_total", "Events written to the journal.", "counter");
        batches = m.histogram("taskrunner_journal_batch_size", "Events per journal write and fsync (group commit).",
                new double[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096});
        fsyncs = m.histogram("taskrunner_journal_fsync_seconds", "Time of each journal fsync.",
                new double[] {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
    }

    /**
     * Registers the server's families on {@code m} and connects them to their sources. Before
     * the server serves or changes a task: the task gauges start from the store as it is.
     *
     * @param faces the faces, whose task series are shown from 0 on
     */
    public static ServerMetrics install(Metrics m, Store store, Kind<Task> taskKind, List<Face> faces, Runner runner,
                                        BlobStore blobs, Identity identity, Router router) {
        var s = new ServerMetrics(m, faces);
        m.gauge("taskrunner_queue_depth", "Tasks waiting for a runner slot.", runner::waiting);
        m.gauge("taskrunner_running_tasks", "Tasks holding a runner slot.", runner::running);
        m.gauge("taskrunner_blob_bytes", "Bytes of the committed blob files (inline blobs and running tasks' work files"
                + " not counted).", blobs::committedBytes);
        m.counter("taskrunner_failed_logins_total", "Failed password and credential logins, every face.", identity::failedLogins);
        for (Face f : faces) {
            String face = f.name();
            for (String state : STATES) {
                s.tasks.add(0, face, state);
                if (state.equals("done") || state.equals("failed") || state.equals("stopped")) s.ended.add(0, face, state);
            }
        }
        // tallied here and added once per series: a million tasks would be a million adds
        var tally = new java.util.HashMap<String, long[]>();
        for (Task t : store.all(taskKind)) tally.computeIfAbsent(t.face(), f -> new long[STATES.size()])[stateIndex(t)]++;
        tally.forEach((face, n) -> {
            for (int i = 0; i < n.length; i++) if (n[i] > 0) s.tasks.add(n[i], face, STATES.get(i));
        });
        store.listen(taskKind, s::taskChanged);
        store.observeJournal(s);
        router.observe(s);
        return s;
    }

    static String state(Task t) {
        return STATES.get(stateIndex(t));
    }

    /** The index of the task's state in {@link #STATES}. */
    private static int stateIndex(Task t) {
        return switch (t.state()) {
            case PENDING -> 0;
            case QUEUED -> 1;
            case RUNNING -> 2;
            case DONE -> t.error() != null ? 4 : 3;
            case STOPPED -> 5;
        };
    }

    /** On the journal's writer thread, after each change of a task (old or now null: created, deleted). */
    private void taskChanged(Task old, Task now) {
        if (old != null) tasks.add(-1, old.face(), state(old));
        if (now == null) return;
        tasks.add(1, now.face(), state(now));
        if (now.state().finished() && (old == null || !old.state().finished())) {
            ended.add(1, now.face(), state(now));
            if (now.started() != null && now.finished() != null) {
                durations.observe(Math.max(0, now.finished() - now.started()) / 1000.0, now.face());
            }
        }
    }

    @Override
    public void ended(ErrorEnvelope face, String method, String route, int status) {
        requests.add(1, faceLabel(face, route), route == null ? "unmatched" : route,
                METHODS.contains(method) ? method : "other", status >= 0 && status < STATUS.length ? STATUS[status] : "other");
    }

    private String faceLabel(ErrorEnvelope envelope, String route) {
        if (envelope instanceof Face f) return f.name();
        if (route == null) return NO_FACE;
        String face = faceOfRoute.get(route);
        return face != null ? face : faceOfRoute.computeIfAbsent(route, this::claimedBy);
    }

    /** The face whose path prefix (other than "/") the route pattern lies under, or {@link #NO_FACE}. */
    private String claimedBy(String route) {
        for (Face f : faces) {
            for (String prefix : f.prefixes()) {
                if (!prefix.equals("/") && (route.equals(prefix) || route.startsWith(prefix + "/"))) return f.name();
            }
        }
        return NO_FACE;
    }

    @Override
    public void written(int events, long forceNanos) {
        appends.add(events);
        batches.observe(events);
        fsyncs.observe(forceNanos / 1e9);
    }
}
