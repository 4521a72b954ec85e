package taskrunner.tasks;

import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;

import java.util.List;
import java.util.Map;

/**
 * Built-in job task types, so the CKAN face does something out of the box:
 * synchronous {@code echo} (the original service's example) and asynchronous
 * {@code sleep}.
 */
public final class JobExamples {
    private JobExamples() {}

    public static List<JobTaskType> types() {
        return List.of(echo(), sleep());
    }

    /**
     * Returns {@code ">" + data}; data starting with {@code >} is a job error, with
     * {@code #} an unexpected exception, and with {@code &} it logs a warning first.
     */
    public static JobTaskType echo() {
        return new JobTaskType("echo", false, true, (data, ctx) -> {
            if (!(data instanceof String s)) throw new IllegalArgumentException("data has to be a string");
            if (s.startsWith(">")) throw new JobError("Do not start message with >");
            if (s.startsWith("#")) throw new IllegalStateException("serious exception");
            if (s.startsWith("&")) ctx.log("WARNING", "just a warning");
            return ">" + s;
        });
    }

    /** Waits {@code data.time} seconds (a stop ends the wait) and says so. */
    public static JobTaskType sleep() {
        return new JobTaskType("sleep", true, true, (data, ctx) -> {
            if (!(data instanceof Map<?, ?> m) || !(m.get("time") instanceof Number time)) {
                throw new JobError("time not in input");
            }
            long ms = Math.round(time.doubleValue() * 1000);
            if (ms < 0) throw new JobError("time must not be negative");
            ctx.sleep(java.time.Duration.ofMillis(ms));
            return "Slept for " + time + " seconds.";
        });
    }
}
