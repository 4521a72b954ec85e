package taskrunner.store;

import java.io.IOException;

/**
 * A write of a task refused because this server no longer holds the task's lease (servers
 * sharing one database): another server runs the task now. Nothing was written; the run here
 * ends without writing anything more of it.
 */
public final class LeaseLost extends IOException {
    public LeaseLost(String taskId) {
        super("task " + taskId + " is run by another server now", null);
    }
}
