package taskrunner.entryscape.jobs;

import taskrunner.core.Execution;
import taskrunner.core.Lifecycle;
import taskrunner.core.Outcome;
import taskrunner.core.Recovery;
import taskrunner.Hooks;
import taskrunner.core.Task;
import taskrunner.core.TaskContext;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;
import taskrunner.entryscape.Locks;
import taskrunner.entryscape.Rdf;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.rowstore.Built;
import taskrunner.entryscape.rowstore.Dataset;
import taskrunner.entryscape.rowstore.DatasetBuilder;
import taskrunner.entryscape.rowstore.DatasetError;
import taskrunner.entryscape.rowstore.RowStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Runs addFile and replaceFile jobs: build, then switch.
 *
 * <p>A job has two phases. <b>Build</b>: with the distribution's (and dataset's) locks
 * held, the new dataset version is written to a new blob (for addFile: the old rows plus
 * the file's; for replaceFile: every file of the distribution, the replaced one with its
 * new bytes). Nothing anyone can see changes; a failure drops the new blob and the upload
 * and ends the job {@code Failed}; a crash leaves it to be built again after restart.
 * <b>Commit</b>: the task is first journaled as {@code phase=commit} with what was built;
 * then idempotent puts create or update the file entry, the distribution's metadata, the
 * dataset's blob reference (one put: readers switch from old rows to new in one step) and
 * the API distribution's modified date. After a crash in this phase the job is rolled
 * forward, never half-applied: each step checks whether it was already done (the dataset
 * records the job that last switched it, so rows are never added twice).
 *
 * <p>Threading: each job runs on its own virtual thread; jobs on one distribution are
 * started one after another ({@link JobLanes}) and also hold the distribution's, the
 * file's and the dataset's locks, so nothing else writes what a job reads between its
 * build and its switch.
 */
public final class FileJob implements Execution {
    private static final Logger LOG = Logger.getLogger(FileJob.class.getName());
    public static final String FACE = "entryscape";
    public static final String ADD = "addFile", REPLACE = "replaceFile";
    static final String RESOURCE_URI = "resourceURI", PROTOTYPE_URI = "prototypeURI", RESULTS = "results";
    static final String DIST = "dist", FILE = "file", FILE_URI = "fileURI", UPLOAD = "upload", MIME = "mime",
            SIZE = "size", SHA = "sha256", USER = "user", PHASE = "phase", BUILT = "built", BUILT_COLS = "builtColumns",
            BUILT_ROWS = "builtRows", BUILT_ADDED = "builtAdded", BASE = "base", DATASET = "dataset",
            OLD_BLOB = "oldFileBlob";

    private final TaskService tasks;
    private final EntryStore es;
    private final RowStore rows;
    private final Locks locks;
    private final long rowDelayMs;
    private final Hooks hooks;
    private final JobLanes lanes;

    /** @param rowDelayMs pause after each row a job loads ({@link taskrunner.Config#rowDelayMs()}) */
    public FileJob(TaskService tasks, Lifecycle lifecycle, EntryStore es, RowStore rows, Locks locks, long rowDelayMs,
                   Hooks hooks) {
        this.tasks = tasks;
        this.es = es;
        this.rows = rows;
        this.locks = locks;
        this.rowDelayMs = rowDelayMs;
        this.hooks = hooks;
        this.lanes = new JobLanes(lifecycle);
    }

    /**
     * Runs the job on its own virtual thread, after the jobs submitted before it on the same
     * distribution.
     *
     * @throws taskrunner.core.Busy if the runner's queue is full and no job is ahead of it
     */
    public void submit(Task t) {
        lanes.submit(laneOf(t), t.id());
    }

    private static String laneOf(Task t) {
        String dist = (String) t.extra(DIST);
        return dist != null ? "dist:" + dist : "file:" + t.extra(FILE);
    }

    /** What a restart does with a job that was queued or running: queue it again (its commit rolls forward). */
    public Recovery recover(Task t) {
        return new Recovery.Requeue(id -> lanes.submit(laneOf(t), id));
    }

    @Override
    public Outcome run(Task task, TaskContext ctx) throws Exception {
        String id = task.id();
        String distKey = (String) task.extra(DIST);
        try {
            Map<String, Object> results = locks.with(distKey != null ? "dist:" + distKey : "none:" + id, ctx,
                    () -> locks.with(ResourceRoutes.lockName((String) task.extra(FILE)), ctx, () -> runLocked(id, ctx)));
            return Outcome.done().withFace(cur -> cur.withExtra(RESULTS, results));
        } catch (TaskContext.StoppedException e) {
            return Outcome.partial(); // the core decides: stopped, or resumed at the next start
        } catch (JobFailure | DatasetError e) {
            return Outcome.done().withError(String.valueOf(e.getMessage()));
        } catch (Exception e) {
            if (ctx.cancelled()) return Outcome.partial();
            LOG.warning("job " + id + " failed: " + e);
            return Outcome.done().withError(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public void ended(Task task) {
        if (task.state() == TaskState.STOPPED || (task.state() == TaskState.DONE && task.error() != null)) {
            dropUnreferencedBlobs(task.id());
        }
        lanes.ended(laneOf(task), task);
    }

    /** After a failure: the upload and the built version go unless a record already points at them. */
    private void dropUnreferencedBlobs(String id) {
        Task t = tasks.get(id);
        if (t == null) return;
        String upload = (String) t.extra(UPLOAD);
        Entry file = byKey((String) t.extra(FILE));
        if (upload != null && (file == null || !upload.equals(file.blob()))) tasks.blobs().delete(upload);
        String built = (String) t.extra(BUILT);
        Dataset ds = t.extra(DATASET) == null ? null : rows.get((String) t.extra(DATASET));
        if (built != null && (ds == null || !built.equals(ds.blob()))) tasks.blobs().delete(built);
    }

    /** Builds (unless a previous run got as far as its commit) and commits; returns the job's results. */
    private Map<String, Object> runLocked(String id, TaskContext ctx) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Task t = tasks.get(id);
            try {
                return "commit".equals(t.extra(PHASE)) ? commit(t) : build(t, ctx);
            } catch (Conflict c) {
                // The dataset moved on between our build and our commit (only possible across a
                // restart): nothing of ours was switched in, so build again on top of it.
                if (attempt >= 2) throw new JobFailure("the dataset kept changing while the job ran");
                String built = (String) tasks.get(id).extra(BUILT);
                tasks.update(id, cur -> cur.withExtra(PHASE, null).withExtra(BUILT, null));
                tasks.blobs().delete(built);
            }
        }
    }

    /** Thrown by {@link #commit} when the dataset is no longer the version the build started from. */
    private static final class Conflict extends Exception {
        Conflict() {
            super("conflict", null, false, false);
        }
    }

    private record Targets(Entry dist, Entry file, Entry api, Dataset dataset) {}

    private Targets targets(Task t) throws JobFailure {
        String distKey = (String) t.extra(DIST);
        Entry dist = distKey == null ? null : byKey(distKey);
        if (distKey != null && dist == null) throw new JobFailure("the distribution was deleted");
        Entry file = byKey((String) t.extra(FILE));
        if (REPLACE.equals(t.type()) && file == null) throw new JobFailure("the file entry was deleted");
        Entry api = dist == null ? null : es.apiDistributionOf(dist);
        Dataset ds = null;
        if (api != null) {
            String url = es.values(api, Rdf.ACCESS_URL).get(0);
            ds = rows.byUrl(url);
            if (ds == null) throw new JobFailure("the API distribution's dataset " + url + " does not exist");
        }
        return new Targets(dist, file, api, ds);
    }

    private Entry byKey(String key) {
        int slash = key.indexOf('/');
        return es.entry(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Builds the new dataset version, if there is an API; journals the switch to commit, and commits. */
    private Map<String, Object> build(Task t, TaskContext ctx) throws Exception {
        Targets x = targets(t);
        if (x.dataset == null) {
            return commit(tasks.update(t.id(), cur -> cur.withExtra(PHASE, "commit")
                    .withExtra(OLD_BLOB, x.file == null ? null : x.file.blob())));
        }
        return locks.with(RowStore.lockName(x.dataset.id()), ctx, () -> {
            Dataset ds = rows.get(x.dataset.id());
            if (ds == null) throw new JobFailure("the API dataset was deleted");
            TaskService.Progress progress = tasks.progress(t.id());
            DatasetBuilder.RowHook hook = n -> {
                if (progress != null) progress.succeeded = n;
                if (rowDelayMs > 0) ctx.sleep(java.time.Duration.ofMillis(rowDelayMs));
                ctx.checkpoint();
            };
            Built b;
            if (ADD.equals(t.type())) {
                b = rows.builder().build(ds, List.of(upload(t)), hook);
            } else {
                var sources = new ArrayList<DatasetBuilder.Source>();
                String replaced = es.resourceUri(x.file);
                for (String uri : es.fileUris(x.dist)) {
                    if (uri.equals(replaced)) {
                        sources.add(upload(t));
                        continue;
                    }
                    Entry f = es.entryOf(uri);
                    if (f == null || f.blob() == null) throw new JobFailure("the distribution's file " + uri + " is not stored here");
                    sources.add(blobSource(f.filename() != null ? f.filename() : uri, f.blob()));
                }
                b = rows.builder().build(null, sources, hook);
            }
            try {
                Task marked = tasks.update(t.id(), cur -> cur.withExtra(PHASE, "commit").withExtra(BUILT, b.blob())
                        .withExtra(BUILT_COLS, b.columns()).withExtra(BUILT_ROWS, b.rowCount())
                        .withExtra(BUILT_ADDED, b.rowsAdded()).withExtra(BASE, ds.blob()).withExtra(DATASET, ds.id())
                        .withExtra(OLD_BLOB, x.file == null ? null : x.file.blob()));
                return commit(marked); // still under the dataset's lock: nobody can move it between build and switch
            } catch (Exception e) {
                Task cur = tasks.get(t.id());
                if (cur == null || !"commit".equals(cur.extra(PHASE))) tasks.blobs().delete(b.blob());
                throw e;
            }
        });
    }

    private DatasetBuilder.Source upload(Task t) {
        return blobSource(t.fileName() != null ? t.fileName() : "the uploaded file", (String) t.extra(UPLOAD));
    }

    private DatasetBuilder.Source blobSource(String name, String blob) {
        return new DatasetBuilder.Source() {
            public String name() {
                return name;
            }

            public InputStream open() throws IOException {
                return tasks.blobs().open(blob);
            }
        };
    }

    /** Applies a built job and returns its results; every step is skipped if already done, so it can be repeated. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> commit(Task t) throws Exception {
        Targets x = targets(t);
        long now = tasks.now();
        String fileUri = (String) t.extra(FILE_URI);
        String upload = (String) t.extra(UPLOAD);
        String built = (String) t.extra(BUILT);
        // 1. the dataset: one put switches readers from the old rows to the new
        if (built != null) {
            Dataset cur = rows.get((String) t.extra(DATASET));
            if (cur == null) throw new JobFailure("the API dataset was deleted");
            if (!t.id().equals(cur.lastJob())) {
                if (!Objects.equals(cur.blob(), t.extra(BASE))) throw new Conflict();
                rows.switchTo(cur, new Built(built, (List<String>) t.extra(BUILT_COLS),
                        ((Number) t.extra(BUILT_ROWS)).longValue(), ((Number) t.extra(BUILT_ADDED)).longValue()), t.id());
                hooks.afterDatasetSwitch(t.id());
            }
        }
        // 2. the file entry
        String[] fk = ((String) t.extra(FILE)).split("/", 2);
        Entry file = es.entry(fk[0], fk[1]);
        String name = t.fileName();
        if (file == null) {
            Map<String, Object> md = Rdf.set(Map.of(), fileUri, Rdf.RDF_TYPE, Rdf.uri(Rdf.FILE));
            if (name != null) md = Rdf.set(md, fileUri, Rdf.TITLE, Rdf.literal(name));
            es.put(new Entry(fk[0], fk[1], "local", "none", true, null, md, upload, (String) t.extra(MIME), name,
                    ((Number) t.extra(SIZE)).longValue(), (String) t.extra(SHA), now, now, (String) t.extra(USER), t.id()));
        } else if (!t.id().equals(file.job())) { // by job, not by blob: small blobs with equal bytes have equal ids
            var md = name == null ? file.metadata() : Rdf.set(file.metadata(), es.subject(file), Rdf.TITLE, Rdf.literal(name));
            es.put(file.withFile(upload, (String) t.extra(MIME), name, ((Number) t.extra(SIZE)).longValue(),
                    (String) t.extra(SHA), now, t.id()).withMetadata(md, now));
        }
        String old = (String) t.extra(OLD_BLOB);
        if (old != null && !old.equals(upload)) tasks.blobs().delete(old);
        // 3. the distribution: the file listed, format and modified date current
        if (x.dist != null) {
            String d = es.subject(x.dist);
            var md = Rdf.add(x.dist.metadata(), d, Rdf.DOWNLOAD_URL, Rdf.uri(fileUri));
            md = Rdf.add(md, d, Rdf.ACCESS_URL, Rdf.uri(fileUri));
            String mime = (String) t.extra(MIME);
            if (REPLACE.equals(t.type()) || Rdf.values(md, d, Rdf.FORMAT).isEmpty()) {
                md = Rdf.set(md, d, Rdf.FORMAT, Rdf.literal(mime == null ? "application/octet-stream" : mime));
            }
            md = Rdf.set(md, d, Rdf.MODIFIED, Rdf.today(now));
            es.put(x.dist.withMetadata(md, now));
        }
        // 4. the API distribution's modified date
        if (x.api != null && built != null) {
            es.put(x.api.withMetadata(Rdf.set(x.api.metadata(), es.subject(x.api), Rdf.MODIFIED, Rdf.today(now)), now));
        }
        var results = new LinkedHashMap<String, Object>();
        results.put(ADD.equals(t.type()) ? "fileURI" : "resourceURI", fileUri);
        if (x.dist != null) results.put("distributionURI", es.resourceUri(x.dist));
        if (x.api != null) {
            results.put("apiDistributionURI", es.resourceUri(x.api));
            results.put("apiURL", rows.url(x.dataset));
            results.put("rowCount", t.extra(BUILT_ROWS));
            results.put("rowsLoaded", t.extra(BUILT_ADDED));
        }
        return results;
    }
}
