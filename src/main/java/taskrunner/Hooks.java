package taskrunner;

/**
 * Test hooks: calls the server makes at chosen points of its work, given to
 * {@link TaskServer.Builder#hooks}. Every method does nothing by default ({@link #NONE});
 * production never sets them. A hook may delay or crash the process (a test of what a
 * restart recovers), never change a result, so tests observe the real code paths.
 *
 * <p>Threading: a hook runs on the thread doing the work (a task's virtual thread), with
 * whatever locks that work holds at that point; it must not call back into the server.
 */
public interface Hooks {
    Hooks NONE = new Hooks() {};

    /**
     * EntryScape: a job has just switched its dataset to the new rows, in one journaled put,
     * and not yet done the rest of its commit (file entry, distribution, API distribution).
     * A hook that halts the JVM here leaves the half-applied commit the next start must roll
     * forward.
     */
    default void afterDatasetSwitch(String jobId) {}
}
