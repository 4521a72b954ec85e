package taskrunner.entryscape.jobs;

/**
 * Test hooks of the job runner, off in production. They change timing and add a crash
 * point, never results, so tests observe the real code paths.
 *
 * @param rowDelayMs      pause after each row a job loads, so a test can query an API while a job runs
 * @param haltAfterSwitch halt the JVM (as kill -9 would) right after a job's dataset switch and
 *                        before its other commit steps, to test the roll-forward at restart
 */
public record JobHooks(long rowDelayMs, boolean haltAfterSwitch) {
    public static final String ROW_DELAY_PROPERTY = "taskrunner.entryscape.jobRowDelayMs";
    public static final String HALT_PROPERTY = "taskrunner.entryscape.haltAfterSwitch";

    /** From the system properties, read when a server starts. */
    public static JobHooks fromSystemProperties() {
        return new JobHooks(Long.getLong(ROW_DELAY_PROPERTY, 0L), Boolean.getBoolean(HALT_PROPERTY));
    }
}
