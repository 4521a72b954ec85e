package taskrunner.entryscape.jobs;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.core.Execution;
import taskrunner.core.Lifecycle;
import taskrunner.core.Outcome;
import taskrunner.core.Recovery;
import taskrunner.Hooks;
import taskrunner.core.Task;
import taskrunner.core.TaskContext;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;
import taskrunner.util.NamedLocks;
import taskrunner.entryscape.Rdf;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.rowstore.Built;
import taskrunner.entryscape.rowstore.Dataset;
import taskrunner.entryscape.rowstore.DatasetBuilder;
import taskrunner.entryscape.rowstore.DatasetError;
import taskrunner.entryscape.rowstore.RowStore;

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
 * build and its switch. Lock order, to stay free of deadlocks: the distribution, then the
 * file, then the dataset (routes take only one of them). A stop ends a wait for any of them.
 */
public final class FileJob implements Execution {
    private static final Logger LOG = Logger.getLogger(FileJob.class.getName());
    public static final String FACE = "entryscape";
    public static final String ADD = "addFile", REPLACE = "replaceFile";

    private final TaskService tasks;
    private final Identity identity;
    private final EntryStore es;
    private final RowStore rows;
    private final NamedLocks locks;
    private final long rowDelayMs;
    private final Hooks hooks;
    private final JobLanes lanes;

    /** @param rowDelayMs pause after each row a job loads ({@link taskrunner.Config#rowDelayMs()}) */
    public FileJob(TaskService tasks, Lifecycle lifecycle, Identity identity, EntryStore es, RowStore rows, NamedLocks locks, long rowDelayMs,
                   Hooks hooks) {
        this.tasks = tasks;
        this.identity = identity;
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
        FileJobState.Target target = state(t).target();
        return target.dist() != null ? "dist:" + target.dist() : "file:" + target.file();
    }

    private static FileJobState state(Task t) {
        return t.faceState(FileJobState.class);
    }

    /** What a restart does with a job that was queued or running: queue it again (its commit rolls forward). */
    public Recovery recover(Task t) {
        return new Recovery.Requeue(id -> lanes.submit(laneOf(t), id));
    }

    @Override
    public Outcome run(Task task, TaskContext ctx) throws Exception {
        String id = task.id();
        FileJobState.Target target = state(task).target();
        String distLock = target.dist() != null ? "dist:" + target.dist() : "none:" + id;
        try {
            Map<String, Object> results = locks.with(distLock, ctx::checkpoint,
                    () -> locks.with(ResourceRoutes.lockName(target.file()), ctx::checkpoint, () -> runLocked(id, ctx)));
            return Outcome.done().withFace(cur -> cur.withFaceState(state(cur).withResults(results)));
        } catch (TaskContext.StoppedException e) {
            return Outcome.partial(); // the core decides: stopped, or resumed at the next start
        } catch (JobFailure | DatasetError e) {
            return Outcome.done().withError(String.valueOf(e.getMessage()));
        } catch (Exception e) {
            if (ctx.cancelled()) return Outcome.partial();
            // the end's one line is the core's "task failed"; what was thrown, for whoever turns on FINE
            LOG.log(java.util.logging.Level.FINE, "job " + id + " threw", e);
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
        FileJobState s = state(t);
        String upload = s.upload().blob();
        Entry file = byKey(s.target().file());
        if (upload != null && (file == null || !upload.equals(file.blob()))) tasks.blobs().delete(upload);
        FileJobState.Commit c = s.commit();
        if (c == null || c.built() == null) return;
        String built = c.built().blob();
        Dataset ds = rows.get(c.dataset());
        if (ds == null || !built.equals(ds.blob())) tasks.blobs().delete(built);
    }

    /** Builds (unless a previous run got as far as its commit) and commits; returns the job's results. */
    private Map<String, Object> runLocked(String id, TaskContext ctx) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Task t = tasks.get(id);
            try {
                return state(t).commit() != null ? commit(t) : build(t, ctx);
            } catch (Conflict c) {
                // The dataset moved on between our build and our commit (only possible across a
                // restart): nothing of ours was switched in, so build again on top of it.
                if (attempt >= 2) throw new JobFailure("the dataset kept changing while the job ran");
                String built = state(tasks.get(id)).commit().built().blob();
                tasks.update(id, cur -> cur.withFaceState(state(cur).withCommit(null)));
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

    private record Targets(Principal owner, Entry dist, Entry file, Entry api, Dataset dataset) {}

    /**
     * What the job writes and reads, each checked with its owner's rights (a job never does
     * what its owner could not): a tenant's links may point anywhere, so every entry and the
     * dataset they lead to are checked, not just the one the job was submitted for.
     */
    private Targets targets(Task t) throws JobFailure {
        FileJobState.Target target = state(t).target();
        Principal owner = identity.actingFor(t.accountId());
        Entry dist = target.dist() == null ? null : byKey(target.dist());
        if (target.dist() != null && dist == null) throw new JobFailure("the distribution was deleted");
        if (dist != null && !es.mayWrite(owner, dist)) throw new JobFailure("this account may not change the distribution");
        Entry file = byKey(target.file());
        if (REPLACE.equals(t.type()) && file == null) throw new JobFailure("the file entry was deleted");
        if (file != null && !es.mayWrite(owner, file)) throw new JobFailure("this account may not change the file");
        Entry api = dist == null ? null : es.apiDistributionOf(dist);
        if (api != null && !es.mayWrite(owner, api)) throw new JobFailure("this account may not change the API distribution");
        Dataset ds = null;
        if (api != null) {
            String url = es.values(api, Rdf.ACCESS_URL).get(0);
            ds = rows.byUrl(url);
            if (ds == null) throw new JobFailure("the API distribution's dataset " + url + " does not exist");
            if (!rows.mayWrite(owner, ds)) {
                throw new JobFailure("the API distribution's dataset " + url + " belongs to another account");
            }
        }
        return new Targets(owner, dist, file, api, ds);
    }

    private Entry byKey(String key) {
        int slash = key.indexOf('/');
        return es.entry(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Builds the new dataset version, if there is an API; journals the switch to commit, and commits. */
    private Map<String, Object> build(Task t, TaskContext ctx) throws Exception {
        Targets x = targets(t);
        if (x.dataset == null) {
            var c = new FileJobState.Commit(x.file == null ? null : x.file.blob(), null, null, null);
            return commit(tasks.update(t.id(), cur -> cur.withFaceState(state(cur).withCommit(c))));
        }
        return locks.with(RowStore.lockName(x.dataset.id()), ctx::checkpoint, () -> {
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
                    if (f == null || f.blob() == null || !es.mayRead(x.owner, f)) {
                        // one message for both: whether another account's file exists is not for this account to learn
                        throw new JobFailure("the distribution's file " + uri + " is not stored here, or this account may not read it");
                    }
                    sources.add(blobSource(f.filename() != null ? f.filename() : uri, f.blob()));
                }
                b = rows.builder().build(null, sources, hook);
            }
            try {
                var c = new FileJobState.Commit(x.file == null ? null : x.file.blob(), b, ds.blob(), ds.id());
                Task marked = tasks.update(t.id(), cur -> cur.withFaceState(state(cur).withCommit(c)));
                return commit(marked); // still under the dataset's lock: nobody can move it between build and switch
            } catch (Exception e) {
                Task cur = tasks.get(t.id());
                if (cur == null || state(cur).commit() == null) tasks.blobs().delete(b.blob());
                throw e;
            }
        });
    }

    private DatasetBuilder.Source upload(Task t) {
        return blobSource(t.fileName() != null ? t.fileName() : "the uploaded file", state(t).upload().blob());
    }

    private DatasetBuilder.Source blobSource(String name, String blob) {
        return DatasetBuilder.Source.of(name, () -> tasks.blobs().open(blob));
    }

    /** Applies a built job and returns its results; every step is skipped if already done, so it can be repeated. */
    private Map<String, Object> commit(Task t) throws Exception {
        Targets x = targets(t);
        long now = tasks.now();
        FileJobState s = state(t);
        String fileUri = s.target().fileUri();
        FileJobState.Uploaded upload = s.upload();
        Built built = s.commit().built();
        // 1. the dataset: one put switches readers from the old rows to the new
        if (built != null) {
            Dataset cur = rows.get(s.commit().dataset());
            if (cur == null) throw new JobFailure("the API dataset was deleted");
            if (!t.id().equals(cur.lastJob())) {
                if (!Objects.equals(cur.blob(), s.commit().base())) throw new Conflict();
                rows.switchTo(cur, built, t.id());
                hooks.afterDatasetSwitch(t.id());
            }
        }
        // 2. the file entry
        String[] fk = s.target().file().split("/", 2);
        Entry file = es.entry(fk[0], fk[1]);
        String name = t.fileName();
        if (file == null) {
            Map<String, Object> md = Rdf.set(Map.of(), fileUri, Rdf.RDF_TYPE, Rdf.uri(Rdf.FILE));
            if (name != null) md = Rdf.set(md, fileUri, Rdf.TITLE, Rdf.literal(name));
            es.put(new Entry(fk[0], fk[1], "local", "none", true, null, md, upload.blob(), upload.mime(), name,
                    upload.size(), upload.sha256(), now, now, s.user(), t.id()));
        } else if (!t.id().equals(file.job())) { // by job, not by blob: small blobs with equal bytes have equal ids
            var md = name == null ? file.metadata() : Rdf.set(file.metadata(), es.subject(file), Rdf.TITLE, Rdf.literal(name));
            es.put(file.withFile(upload.blob(), upload.mime(), name, upload.size(), upload.sha256(), now, t.id())
                    .withMetadata(md, now).changedBy(s.user()));
        }
        String old = s.commit().oldFileBlob();
        if (old != null && !old.equals(upload.blob())) tasks.blobs().delete(old);
        // 3. the distribution: the file listed, format and modified date current
        if (x.dist != null) {
            String d = es.subject(x.dist);
            var md = Rdf.add(x.dist.metadata(), d, Rdf.DOWNLOAD_URL, Rdf.uri(fileUri));
            md = Rdf.add(md, d, Rdf.ACCESS_URL, Rdf.uri(fileUri));
            String mime = upload.mime();
            if (REPLACE.equals(t.type()) || Rdf.values(md, d, Rdf.FORMAT).isEmpty()) {
                md = Rdf.set(md, d, Rdf.FORMAT, Rdf.literal(mime == null ? "application/octet-stream" : mime));
            }
            md = Rdf.set(md, d, Rdf.MODIFIED, Rdf.today(now));
            es.put(x.dist.withMetadata(md, now).changedBy(s.user()));
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
            results.put("rowCount", built == null ? null : built.rowCount());
            results.put("rowsLoaded", built == null ? null : built.rowsAdded());
        }
        return results;
    }
}
