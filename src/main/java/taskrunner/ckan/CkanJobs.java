package taskrunner.ckan;

import taskrunner.auth.Secrets;
import taskrunner.ckan.CkanJobState.Callback;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.RawResult;
import taskrunner.core.Lifecycle;
import taskrunner.core.Recovery;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;
import taskrunner.store.Conflict;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CKAN face's jobs over the core: submit, the face's part of outcomes, recovery
 * policy, delete and purge. States are the core's ({@link Lifecycle}); data writes go
 * through {@link TaskService}.
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

    /** How long a delete waits for a running job to stop. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final TaskService tasks;
    private final Lifecycle lifecycle;
    private final Duration defaultMaxRunTime;
    private final Runnable scrub;
    /** Jobs whose raw api_key the journal holds (in some line), until it is erased. */
    private final java.util.Set<String> journaledApiKeys = ConcurrentHashMap.newKeySet();
    private final CkanJobTypes types;
    private final CkanLogs logs;
    private final CkanExecution execution;
    private CkanCallbacks callbacks;
    private final Map<String, String> rawKeys = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<RawResult>>> waiters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> claimed = new ConcurrentHashMap<>();

    /**
     * @param defaultMaxRunTime the run-time limit of job types that set none; null for none
     * @param scrub             called once a job's api_key is erased, so the journal's older lines lose it too
     */
    CkanJobs(TaskService tasks, Lifecycle lifecycle, CkanJobTypes types, CkanLogs logs, Duration defaultMaxRunTime,
             Runnable scrub) {
        this.scrub = scrub;
        this.tasks = tasks;
        this.lifecycle = lifecycle;
        this.defaultMaxRunTime = defaultMaxRunTime;
        this.types = types;
        this.logs = logs;
        this.execution = new CkanExecution(this);
    }

    void callbacks(CkanCallbacks c) {
        this.callbacks = c;
    }

    CkanCallbacks callbacks() {
        return callbacks;
    }

    TaskService tasks() {
        return tasks;
    }

    CkanJobTypes types() {
        return types;
    }

    Duration defaultMaxRunTime() {
        return defaultMaxRunTime;
    }

    CkanExecution execution() {
        return execution;
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
        for (Task t : tasks.all(CkanJob.FACE)) if (t != null) out.add(CkanJob.of(t));
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
     * @throws Duplicate if the id is taken
     * @throws Busy      if the runner's queue is full (the job is not kept)
     */
    Submitted submit(String id, JobTaskType type, Map<String, Object> submission, String apiKey)
            throws IOException, Duplicate {
        if (claimed.putIfAbsent(id, Boolean.TRUE) != null) throw new Duplicate(id);
        try {
            if (tasks.get(id) != null) throw new Duplicate(id);
            String jobKey = java.util.UUID.randomUUID().toString();
            if (apiKey != null) journaledApiKeys.add(id);
            var state = CkanJobState.submitted(submission, new CkanJobState.Keys(apiKey, Secrets.sha256(jobKey)),
                    CkanTime.nowMicros(tasks.clock()), type.async() ? TaskService.newId(16) : null);
            var draft = Task.draft(id, CkanJob.FACE, type.name(), null, null, tasks.now()).withFaceState(state);
            rawKeys.put(id, jobKey);
            var done = new CompletableFuture<Optional<RawResult>>();
            if (!type.async()) waiters.put(id, done);
            Task task;
            try {
                task = lifecycle.submit(draft);
            } catch (IOException | RuntimeException e) {
                waiters.remove(id);
                rawKeys.remove(id);
                if (e instanceof Conflict) throw new Duplicate(id); // another server created this id since the check above
                throw e;
            }
            return new Submitted(CkanJob.of(task), jobKey, done);
        } finally {
            claimed.remove(id);
        }
    }

    /**
     * The face's part of a job's final record: status, result or error, the finish time in
     * microseconds, and the callback owed (the api_key goes at once when none is).
     */
    UnaryOperator<Task> outcome(Object result, Map<String, Object> error, boolean raw) {
        long finished = CkanTime.nowMicros(tasks.clock());
        var end = new CkanJobState.End(error == null ? CkanJob.COMPLETE : CkanJob.FAILED, result, finished);
        return t -> {
            CkanJob job = CkanJob.of(t);
            boolean callback = !raw && job.wantsCallback();
            CkanJobState n = job.state().withEnd(end, error).withCallback(callback ? Callback.PENDING : null);
            return t.withFaceState(callback ? n : n.withoutApiKey());
        };
    }

    /**
     * After a run (or a stop, or a recovery that failed the job): owes the callback of a job
     * the core ended on its own (crash, stop, unsafe rerun), starts the callback if one is
     * owed, and releases a synchronous submitter once it is done.
     */
    void ended(Task task, RawResult raw) {
        String id = task.id();
        if (task.state().finished() && raw == null) {
            CkanJob j = CkanJob.of(task);
            if (j.callback() == null && j.state().end() == null && j.wantsCallback()) {
                try {
                    tasks.update(id, t -> t.withFaceState(
                            CkanJob.of(t).state().withCallback(Callback.PENDING)));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "job " + id + ": could not record the callback it owes", e);
                }
            }
        }
        CkanJob j = get(id);
        boolean owed = raw == null && j != null && j.task().state().finished() && j.owesCallback();
        if (!owed) rawKeys.remove(id);
        if (!owed && j != null && j.task().state().finished()) eraseApiKey(id);
        CompletableFuture<Void> sent = owed ? callbacks.send(id) : CompletableFuture.completedFuture(null);
        var waiter = waiters.remove(id);
        if (waiter != null) sent.whenComplete((v, e) -> waiter.complete(Optional.ofNullable(raw)));
    }

    /**
     * Drops a finished job's raw api_key once nothing needs it (no callback is owed), also
     * when the core ended the job itself (a stop, a crash); then asks for the journal's older
     * lines, which still hold it, to be compacted away.
     */
    void eraseApiKey(String id) {
        try {
            tasks.update(id, t -> {
                CkanJob job = CkanJob.of(t);
                return job == null || job.apiKey() == null ? t : t.withFaceState(job.state().withoutApiKey());
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "job " + id + ": could not erase its api_key (erased at a later end)", e);
            return;
        }
        apiKeyErased(id);
    }

    /** The job's record holds no api_key any more: have the journal's older lines compacted away. */
    void apiKeyErased(String id) {
        if (journaledApiKeys.remove(id)) scrub.run();
    }

    void forgetKey(String id) {
        rawKeys.remove(id);
    }

    /** At start: a job left running is run again if its type says that is safe; a queued one runs. */
    Recovery recover(Task t) {
        CkanJob job = CkanJob.of(t);
        if (job != null && job.apiKey() != null) journaledApiKeys.add(t.id());
        JobTaskType type = types.get(t.type());
        if (t.state() == TaskState.RUNNING && (type == null || !type.rerunSafe())) {
            return new Recovery.Fail(
                    "Job interrupted: the server stopped while it was running, and its type is not safe to run again");
        }
        return new Recovery.Run();
    }

    /**
     * Deletes a job with its logs; a queued or running job is stopped first.
     *
     * @throws TaskService.TaskActive if it did not stop within {@link #STOP_WAIT}
     */
    void delete(String id) throws IOException, TaskService.TaskActive {
        try {
            lifecycle.stop(id, STOP_WAIT);
        } catch (Lifecycle.NotActive notRunning) {
            // nothing to stop
        }
        lifecycle.delete(id);
    }

    /** Once the core deleted a job (a DELETE, a purge, retention): its logs and its key in memory go too. */
    void deleted(String id) throws IOException {
        logs.deleteAll(id);
        rawKeys.remove(id);
    }

    /** Deletes every finished job that finished before {@code cutoffMicros}. */
    int purge(long cutoffMicros) throws IOException {
        int n = 0;
        for (CkanJob j : all()) {
            if (j.task().state().finished() && j.finishedMicros() instanceof Number f && f.longValue() < cutoffMicros
                    && !tasks.isActive(j.id())) {
                try {
                    delete(j.id());
                    n++;
                } catch (TaskService.TaskActive rerun) {
                    // run again meanwhile: not finished any more, so not purged
                }
            }
        }
        return n;
    }
}
