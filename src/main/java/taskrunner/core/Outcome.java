package taskrunner.core;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * What one run of a task's code produced, for {@link Lifecycle} to record. A
 * {@linkplain #complete() complete} outcome means the code did all its work; a partial one
 * means it ended early because its run was cancelled. The core decides from that and the
 * cancel reason what the task becomes (see {@link Lifecycle}); task code never sets a state.
 *
 * @param succeeded  rows (or items) done, or null if the task has no counters
 * @param failed     rows that failed, or null
 * @param error      why the task failed as a whole, or null
 * @param output     the task's output, still to be committed or kept, or null
 * @param faceChange the face's own additions to the final record (its result, its status
 *                   words), applied with the state change; must not change the state
 */
public record Outcome(boolean complete, Long succeeded, Long failed, String error, Output output,
                      UnaryOperator<Task> faceChange) {

    /** Output written while the task ran, not yet a blob. */
    public interface Output {
        /** Makes it durable as a blob (the task ended, done or stopped); returns the blob id. */
        String commit() throws IOException;

        /** Keeps it for a resume after the next start (the server is closing); returns where to resume. */
        Checkpoint keep() throws IOException;

        /** Lets go of it without another write (another server runs the task now and has its own). */
        void drop();
    }

    public static Outcome done() {
        return new Outcome(true, null, null, null, null, null);
    }

    public static Outcome partial() {
        return new Outcome(false, null, null, null, null, null);
    }

    public Outcome withCounters(Long ok, Long bad) {
        return new Outcome(complete, ok, bad, error, output, faceChange);
    }

    public Outcome withError(String e) {
        return new Outcome(complete, succeeded, failed, e, output, faceChange);
    }

    public Outcome withOutput(Output o) {
        return new Outcome(complete, succeeded, failed, error, o, faceChange);
    }

    public Outcome withFace(UnaryOperator<Task> change) {
        return new Outcome(complete, succeeded, failed, error, output, change);
    }
}
