package taskrunner.core;

import java.util.function.Consumer;

/**
 * What the core does at start with a task that was queued or running when the process
 * last ended; a face declares it per task through its {@link Policy} and the core applies it
 * (db-scheduler's {@code DeadExecutionHandler} is the model). A face never recovers a task
 * itself.
 */
public sealed interface Recovery {
    /** Run it again now; an execution that keeps checkpoints resumes after its last one. */
    record Run() implements Recovery {}

    /**
     * Queue it again, and let the face hand it to {@link Lifecycle#run} when its turn comes
     * ({@code schedule} gets the task id once it is durably queued).
     */
    record Requeue(Consumer<String> schedule) implements Recovery {}

    /** End it as done with this error: running it again is not safe. */
    record Fail(String error) implements Recovery {}

    /** Decides the recovery of one task of a face. */
    @FunctionalInterface
    interface Policy {
        Recovery decide(Task task);
    }
}
