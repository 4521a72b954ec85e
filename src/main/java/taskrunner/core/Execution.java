package taskrunner.core;

/**
 * The code that runs the tasks of one face, and what that face wants to hear when one of
 * them has ended. Registered with {@link Lifecycle#register}.
 *
 * <p>Threading: {@link #run} is called on the task's own virtual thread, one call per run;
 * {@link #ended} on whichever thread recorded the end (the task's, a stopping request's, or
 * the start-up thread's for a task recovery ended).
 */
public interface Execution {
    /**
     * Runs the task. Returns when its work is done ({@link Outcome#done()}) or, once
     * {@code ctx.cancelled()}, as soon as it can ({@link Outcome#partial()}, with what it has
     * so far). Throwing ends the task with an error, unless it was stopped or the server is
     * closing; {@link TaskContext.StoppedException} is a partial outcome with nothing to keep.
     */
    Outcome run(Task task, TaskContext ctx) throws Exception;

    /**
     * How long one run of the task may take before the core cancels it and ends it with an
     * error; null for no limit.
     */
    default java.time.Duration maxRunTime(Task task) {
        return null;
    }

    /**
     * Called once a run is over, with the task as stored: final (done or stopped, and
     * durable), or still QUEUED or RUNNING when the run was interrupted by the server's
     * shutdown or its end could not be journaled (then the next start recovers it). Also
     * called for a task that ended without a run: stopped while it waited outside the
     * runner, or failed by its recovery policy.
     */
    default void ended(Task task) {}

    /**
     * Whether a final task still needs the work its face does in {@link #ended} (a CKAN job's
     * callback not yet delivered): the core hands such a task to {@link #ended} again after a
     * crash, and, with servers sharing a database, keeps its lease until this says no, so
     * another server does that work if this one dies first.
     */
    default boolean owesEnd(Task task) {
        return false;
    }

    /**
     * Called once the core deleted one of the face's tasks ({@link Lifecycle#delete}: a
     * retention sweep, a face's own delete), with the task as it was: the face removes what
     * it keeps of the task beside the task record (a CKAN job's logs). Its blobs are gone
     * already. On the deleting thread.
     */
    default void deleted(Task task) throws java.io.IOException {}
}
