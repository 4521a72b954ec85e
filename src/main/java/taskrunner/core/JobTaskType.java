package taskrunner.core;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

/**
 * A task of the CKAN shape: JSON input to a JSON or text result, with logs.
 *
 * @param async     true: submitting answers at once and the job runs in the background;
 *                  false: submitting waits for the result
 * @param rerunSafe true if a job that was running when the process died may simply be run
 *                  again after a restart; otherwise it ends as an error saying so
 * @param maxRunTime how long one run may take before it is ended with an error; null: the
 *                  server's default ({@code Config.maxJobRunTimeS})
 */
public record JobTaskType(String name, boolean async, boolean rerunSafe, JobHandler handler, Duration maxRunTime) {

    /** A type with the server's default run-time limit. */
    public JobTaskType(String name, boolean async, boolean rerunSafe, JobHandler handler) {
        this(name, async, rerunSafe, handler, null);
    }

    public JobTaskType withMaxRunTime(Duration limit) {
        return new JobTaskType(name, async, rerunSafe, handler, limit);
    }

    /** The same type under another name (to offer a built-in twice, with other limits). */
    public JobTaskType renamed(String newName) {
        return new JobTaskType(newName, async, rerunSafe, handler, maxRunTime);
    }

    /**
     * Runs one job. Returns the result (a JSON-compatible value: String, Number, Boolean,
     * List, Map or null, or a {@link RawResult} from a synchronous job), or throws
     * {@link JobError} for an expected failure; any other exception is reported as an
     * unexpected error.
     *
     * <p>Threading: called on the job's own virtual thread.
     */
    @FunctionalInterface
    public interface JobHandler {
        Object run(Object data, JobContext ctx) throws Exception;
    }

    /** The context of a running job: cancellation plus a log stored on the job. */
    public interface JobContext extends TaskContext {
        /** Stores a log record (level: DEBUG, INFO, WARNING, ERROR) on the job. */
        void log(String level, String message);

        /**
         * The whole submission as the face received it (for jobs that need more than their
         * data, such as metadata); empty if the face keeps nothing else.
         */
        default Map<String, Object> submission() {
            return Map.of();
        }
    }

    /**
     * A result that is not stored but streamed to the submitter as the response body
     * (a "raw" synchronous job). The job counts as finished with no stored result.
     *
     * <p>Threading: written once, on the submitting request's thread, after the job ended.
     */
    @FunctionalInterface
    public interface RawResult {
        void writeTo(OutputStream out) throws IOException;
    }

    /** An expected failure of a job: its message becomes the job's error message. */
    public static class JobError extends Exception {
        private final Map<String, Object> details;

        public JobError(String message) {
            this(message, Map.of());
        }

        /** With extra JSON-compatible keys reported beside the message. */
        public JobError(String message, Map<String, Object> details) {
            super(message);
            this.details = Map.copyOf(details);
        }

        public Map<String, Object> details() {
            return details;
        }
    }
}
