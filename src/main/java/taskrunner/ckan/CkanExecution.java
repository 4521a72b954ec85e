package taskrunner.ckan;

import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.JobTaskType.RawResult;
import taskrunner.core.Task;
import taskrunner.core.TaskContext;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Runs one CKAN job on its runner thread: marks it RUNNING, calls its type's handler with
 * the submitted {@code data}, records the outcome (DONE with status complete or error),
 * then hands over to the result callback and releases a waiting synchronous submitter.
 *
 * <p>Invariant: the job's outcome is durable before anyone is told (submitter, callback),
 * and a job is never left pending: every path ends in DONE, except an interrupt by server
 * shutdown, which leaves it RUNNING for the restart to decide.
 */
final class CkanExecution implements TaskService.Execution {
    private static final Logger LOG = Logger.getLogger(CkanExecution.class.getName());
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final CkanJobs jobs;

    CkanExecution(CkanJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void run(Task task, TaskContext ctx) throws Exception {
        try {
            execute(task, ctx);
        } finally {
            jobs.releaseWaiter(task.id()); // whatever happened, a synchronous submitter is not left hanging
        }
    }

    private void execute(Task task, TaskContext ctx) throws Exception {
        TaskService tasks = jobs.tasks();
        String id = task.id();
        CkanJob job = CkanJob.of(task);
        JobTaskType type = jobs.types().get(task.type());
        if (job == null) return;
        if (ctx.cancelled()) {
            finish(id, null, error("Job was cancelled before it started"));
            return;
        }
        if (type == null) {
            finish(id, null, error("Job type " + task.type() + " not available"));
            return;
        }
        tasks.update(id, t -> t.withState(TaskState.RUNNING).withStarted(tasks.now()));
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
            finish(id, null, err);
            return;
        } catch (Exception | Error e) { // an Error too: the job must not stay pending
            if (tasks.runner().shuttingDown() && !ctx.cancelled()) throw e; // the restart decides
            if (ctx.cancelled()) {
                finish(id, null, error("Job was cancelled"));
                return;
            }
            LOG.info("job " + id + " failed: " + e);
            finish(id, null, error(unexpected(e)));
            return;
        }
        if (result instanceof RawResult raw) {
            if (type.async()) {
                finish(id, null, error("A raw result needs a synchronous job type"));
            } else {
                finishRaw(id, raw);
            }
            return;
        }
        try {
            PyJson.dumps(result);
        } catch (IllegalArgumentException e) {
            finish(id, null, error(unexpected(e)));
            return;
        }
        finish(id, result, null);
    }

    private void finish(String id, Object result, Map<String, Object> error) throws Exception {
        jobs.recordOutcome(id, result, error, false);
        jobs.afterOutcome(id, null);
    }

    private void finishRaw(String id, RawResult raw) throws Exception {
        jobs.recordOutcome(id, null, null, true);
        jobs.afterOutcome(id, raw);
    }

    private static Object jsonOrText(Object v) {
        try {
            PyJson.dumps(v);
            return v;
        } catch (IllegalArgumentException e) {
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
        return new JobTaskType.JobContext() {
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

            public String taskId() {
                return ctx.taskId();
            }

            public String accountId() {
                return ctx.accountId();
            }

            public String authAccountId() {
                return ctx.authAccountId();
            }

            public boolean cancelled() {
                return ctx.cancelled();
            }
        };
    }
}
