package taskrunner.ckan;

import taskrunner.auth.Secrets;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.RawResult;
import taskrunner.core.Runner;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CKAN face's jobs over the core: submit, run, record outcomes, recover after a
 * restart, delete and purge. All task writes go through {@link TaskService}.
 *
 * <p>Held in memory only, never stored: the raw job key of a job whose callback is still
 * owed (the callback body carries it; after a restart it goes out as null), and the
 * waiters of synchronous submitters.
 */
final class CkanJobs {
    private static final Logger LOG = Logger.getLogger(CkanJobs.class.getName());

    /** What a submission produced: the job as created, and for a sync job its end. */
    record Submitted(CkanJob job, String jobKey, CompletableFuture<Optional<RawResult>> done) {}

    /** The id is taken (by any face's task). */
    static final class Duplicate extends Exception {
        Duplicate(String id) {
            super("job_id " + id + " already exists", null, false, false);
        }
    }

    private final TaskService tasks;
    private final CkanJobTypes types;
    private final CkanLogs logs;
    private final CkanExecution execution;
    private CkanCallbacks callbacks;
    private final Map<String, String> rawKeys = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<RawResult>>> waiters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> claimed = new ConcurrentHashMap<>();

    CkanJobs(TaskService tasks, CkanJobTypes types, CkanLogs logs) {
        this.tasks = tasks;
        this.types = types;
        this.logs = logs;
        this.execution = new CkanExecution(this);
    }

    void callbacks(CkanCallbacks c) {
        this.callbacks = c;
    }

    TaskService tasks() {
        return tasks;
    }

    CkanJobTypes types() {
        return types;
    }

    CkanLogs logs() {
        return logs;
    }

    CkanJob get(String id) {
        return CkanJob.of(tasks.get(id));
    }

    /** Every job, newest request first (ties: id descending). */
    List<CkanJob> all() {
        var out = new ArrayList<CkanJob>();
        for (Task t : tasks.all(CkanJob.FACE)) if (t != null) out.add(new CkanJob(t));
        out.sort(Comparator.comparingLong(CkanJob::requestedMicros).thenComparing(CkanJob::id).reversed());
        return out;
    }

    String rawKey(String id) {
        return rawKeys.get(id);
    }

    Map<String, Object> dict(CkanJob job, String jobKey, Integer logLimit) {
        return job.dict(jobKey, logs.wire(job.id(), logLimit));
    }

    /**
     * Creates the job (durably, as pending) and hands it to the runner.
     *
     * @throws Duplicate         if the id is taken
     * @throws Runner.QueueFull  if the runner's queue is full (the job is not kept)
     */
    Submitted submit(String id, JobTaskType type, Map<String, Object> submission, String apiKey)
            throws IOException, Duplicate {
        if (claimed.putIfAbsent(id, Boolean.TRUE) != null) throw new Duplicate(id);
        try {
            if (tasks.get(id) != null) throw new Duplicate(id);
            String jobKey = java.util.UUID.randomUUID().toString();
            var extras = new java.util.LinkedHashMap<String, Object>();
            extras.put(CkanJob.SUBMISSION, submission);
            extras.put(CkanJob.API_KEY, apiKey);
            extras.put(CkanJob.KEY_HASH, Secrets.sha256(jobKey));
            extras.put(CkanJob.REQUESTED, CkanTime.nowMicros(tasks.clock()));
            if (type.async()) extras.put(CkanJob.APS_JOB_ID, TaskService.newId(16));
            var task = new Task(id, CkanJob.FACE, type.name(), null, null, TaskState.QUEUED, tasks.now(),
                    null, null, null, null, null, null, null, null, null, null, extras);
            tasks.create(task);
            rawKeys.put(id, jobKey);
            var done = new CompletableFuture<Optional<RawResult>>();
            if (!type.async()) waiters.put(id, done);
            try {
                tasks.run(id, execution);
            } catch (Runner.QueueFull e) {
                waiters.remove(id);
                rawKeys.remove(id);
                tasks.delete(id);
                throw e;
            }
            return new Submitted(new CkanJob(task), jobKey, done);
        } finally {
            claimed.remove(id);
        }
    }

    /** Journals the end of a job; the api_key goes at once when no callback needs it. */
    void recordOutcome(String id, Object result, Map<String, Object> error, boolean raw) throws IOException {
        long finished = CkanTime.nowMicros(tasks.clock());
        tasks.update(id, t -> {
            if (t.state().finished()) return t;
            CkanJob job = new CkanJob(t);
            boolean callback = !raw && job.wantsCallback();
            Task n = t.withState(TaskState.DONE).withFinished(tasks.now())
                    .withExtra(CkanJob.STATUS, error == null ? CkanJob.COMPLETE : CkanJob.FAILED)
                    .withExtra(CkanJob.RESULT, result)
                    .withExtra(CkanJob.ERROR, error)
                    .withExtra(CkanJob.FINISHED, finished)
                    .withExtra(CkanJob.CALLBACK, callback ? "pending" : null);
            return callback ? n : n.withExtra(CkanJob.API_KEY, null);
        });
    }

    /** Starts the callback if one is owed, and releases a synchronous submitter once it is done. */
    void afterOutcome(String id, RawResult raw) {
        CkanJob j = get(id);
        boolean owed = raw == null && j != null && "pending".equals(j.callbackState());
        if (!owed) rawKeys.remove(id);
        CompletableFuture<Void> sent = owed ? callbacks.send(id) : CompletableFuture.completedFuture(null);
        var waiter = waiters.remove(id);
        if (waiter != null) sent.whenComplete((v, e) -> waiter.complete(Optional.ofNullable(raw)));
    }

    /** Releases a synchronous submitter still waiting (an outcome that could not be recorded). */
    void releaseWaiter(String id) {
        var waiter = waiters.remove(id);
        if (waiter != null) waiter.complete(Optional.empty());
    }

    void forgetKey(String id) {
        rawKeys.remove(id);
    }

    /** At start: what to do with a job left queued or running by the previous process. */
    void recover(Task t) {
        CkanJob job = CkanJob.of(t);
        if (job == null) return;
        JobTaskType type = types.get(t.type());
        try {
            if (t.state() == TaskState.RUNNING && (type == null || !type.rerunSafe())) {
                recordOutcome(t.id(), null, CkanExecution.error(
                        "Job interrupted: the server stopped while it was running, and its type is not safe to run again"), false);
                afterOutcome(t.id(), null);
            } else {
                tasks.run(t.id(), execution);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "could not recover job " + t.id(), e);
        }
    }

    /** At start: sends callbacks a previous process owed but did not finish. */
    void resendOwedCallbacks() {
        for (CkanJob j : all()) {
            if (j.task().state() == TaskState.DONE && "pending".equals(j.callbackState())) callbacks.send(j.id());
        }
    }

    /**
     * Deletes a job with its logs; a running job is stopped first.
     *
     * @throws IllegalStateException if it would not stop
     */
    void delete(String id) throws IOException {
        if (tasks.isActive(id)) tasks.stop(id);
        tasks.delete(id);
        logs.deleteAll(id);
        rawKeys.remove(id);
    }

    /** Deletes every finished job that finished before {@code cutoffMicros}. */
    int purge(long cutoffMicros) throws IOException {
        int n = 0;
        for (CkanJob j : all()) {
            if (j.task().state().finished() && j.finishedMicros() instanceof Number f && f.longValue() < cutoffMicros
                    && !tasks.isActive(j.id())) {
                delete(j.id());
                n++;
            }
        }
        return n;
    }
}
