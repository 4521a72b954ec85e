package taskrunner.core;

/**
 * Where a task is in its life. Faces derive their own status words from this plus the
 * counters (Kazoo's status algorithm, CKAN's pending/complete/error, EntryScape's
 * Pending/Running/Success/Failed).
 */
public enum TaskState {
    /** Created, not asked to run (Kazoo's pending). */
    PENDING,
    /** Asked to run, waiting for a free slot; run again after a restart. */
    QUEUED,
    /** Its code is running (or was, when the process died: then it is resumed or ended). */
    RUNNING,
    /** Its code returned or failed; see the counters and error. */
    DONE,
    /** Stopped on request; final. */
    STOPPED;

    public boolean finished() {
        return this == DONE || this == STOPPED;
    }
}
