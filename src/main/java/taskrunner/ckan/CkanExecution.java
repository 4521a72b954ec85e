package taskrunner.ckan;

import taskrunner.core.Execution;
import taskrunner.core.ForwardingTaskContext;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.JobTaskType.RawResult;
import taskrunner.core.Outcome;
import taskrunner.core.Task;
import taskrunner.core.TaskContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Runs one CKAN job on its runner thread: calls its type's handler with the submitted
 * {@code data} and returns the outcome (status complete or error, result, error) for the
 * core to journal; once that is durable, {@link #ended} hands over to the result callback
 * and releases a waiting synchronous submitter.
 *
 * <p>Invariant: the job's outcome is durable before anyone is told (submitter, callback).
 * A stop or a shutdown is the core's to record: a cancelled handler's outcome is partial.
 */
final class CkanExecution implements Execution {
    private static final Logger LOG = Logger.getLogger(CkanExecution.class.getName());
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final CkanJobs jobs;
    /** Raw results of synchronous jobs, from the end of their run until their submitter takes them. */
    private final Map<String, RawResult> raws = new ConcurrentHashMap<>();

    CkanExecution(CkanJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public Outcome run(Task task, TaskContext ctx) throws Exception {
        String id = task.id();
        CkanJob job = CkanJob.of(task);
        JobTaskType type = jobs.types().get(task.type());
        if (ctx.cancelled()) return Outcome.partial();
        if (type == null) return finish(null, error("Job type " + task.type() + " not available"));
        Map<String, Object> submission = new LinkedHashMap<>(job.submission());
        if (job.apiKey() != null) submission.put("api_key", job.apiKey());
        Object result;
        try {
            result = type.handler().run(job.inputData(), context(id, ctx, submission));
        } catch (JobError e) {
            var err = new LinkedHashMap<String, Object>();
            err.put("message", String.valueOf(e.getMessage()));
            for (var d : e.details().entrySet()) {
                if (!d.getKey().equals("message")) err.put(d.getKey(), jsonOrText(d.getValue()));
            }
            return finish(null, err);
        } catch (TaskContext.StoppedException e) {
            return Outcome.partial();
        } catch (Exception | Error e) { // an Error too: the job must not stay pending
            if (ctx.cancelled()) return Outcome.partial();
            // the end's one line is the core's "task failed"; what was thrown, for whoever turns on FINE
            LOG.log(java.util.logging.Level.FINE, "job " + id + " threw", e);
            return finish(null, error(unexpected(e)));
        }
        if (result instanceof RawResult raw) {
            if (type.async()) return finish(null, error("A raw result needs a synchronous job type"));
            raws.put(id, raw);
            return Outcome.done().withFace(jobs.outcome(null, null, true));
        }
        try {
            PyJson.dumps(result);
        } catch (PyJson.NotJson e) {
            return finish(null, error(unexpected(e)));
        }
        return finish(result, null);
    }

    /** The type's limit, else the server's ({@code Config.maxJobRunTimeS}; 0 there: none). */
    @Override
    public java.time.Duration maxRunTime(Task task) {
        JobTaskType type = jobs.types().get(task.type());
        if (type != null && type.maxRunTime() != null) return type.maxRunTime();
        return jobs.defaultMaxRunTime();
    }

    @Override
    public void ended(Task task) {
        jobs.ended(task, raws.remove(task.id()));
    }

    @Override
    public boolean owesEnd(Task task) {
        CkanJob job = CkanJob.of(task);
        return task.state().finished() && job != null && job.owesCallback();
    }

    @Override
    public void deleted(Task task) throws java.io.IOException {
        jobs.deleted(task.id());
    }

    /** The job's end; an error's message is the task's error too, so the core counts and logs the job as failed. */
    private Outcome finish(Object result, Map<String, Object> error) {
        Outcome done = Outcome.done().withFace(jobs.outcome(result, error, false));
        return error == null ? done : done.withError(String.valueOf(error.get("message")));
    }

    private static Object jsonOrText(Object v) {
        try {
            PyJson.dumps(v);
            return v;
        } catch (PyJson.NotJson e) {
            return String.valueOf(v);
        }
    }

    static Map<String, Object> error(String message) {
        var m = new LinkedHashMap<String, Object>();
        m.put("message", message);
        return m;
    }

    /** Like the original: where it happened, then the exception's repr. */
    static String unexpected(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        String where = st.length == 0 ? "" : "  at " + st[0] + "\n";
        String msg = e.getMessage();
        return where + e.getClass().getSimpleName() + "(" + (msg == null ? "" : PyJson.dumps(msg)) + ")";
    }

    private JobTaskType.JobContext context(String id, TaskContext ctx, Map<String, Object> submission) {
        final class JobRun extends ForwardingTaskContext implements JobTaskType.JobContext {
            JobRun() {
                super(ctx);
            }

            public void log(String level, String message) {
                StackWalker.StackFrame caller = WALKER.walk(s -> s.skip(1).findFirst().orElse(null));
                try {
                    jobs.logs().append(id, level == null ? "INFO" : level, String.valueOf(message), caller);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            public Map<String, Object> submission() {
                return submission;
            }
        }
        return new JobRun();
    }
}
