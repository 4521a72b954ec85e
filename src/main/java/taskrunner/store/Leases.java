package taskrunner.store;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which server's runner has a task, when several servers share one database
 * ({@code --postgres}): a server runs a task (or keeps it queued in its face's lane) only while it
 * holds the task's lease, which it renews; a lease not renewed within its term is expired, and
 * another server may claim it and recover the task as after a crash (the lifecycle's recovery).
 * The database refuses every write of a task by a server whose lease on it was taken over
 * (fencing), so a server that was cut off, paused or slow never writes over the new holder.
 *
 * <p>A server alone on its data directory needs none: {@link #NONE} grants every claim.
 */
public interface Leases {
    /**
     * The answer to a claim.
     *
     * @param held whether this server holds the lease now
     * @param from the server that held it before, when this claim took an expired lease of
     *             another one (a take-over); null otherwise (it was free, or already this server's)
     */
    record Claim(boolean held, String from) {}

    /** Claims the lease of a task: held if no live server other than this one holds it. */
    Claim claim(String taskId) throws IOException;

    /** Gives a lease back (the task ended, or it will be recovered elsewhere); a failure only delays that. */
    void release(String taskId);

    /** Whether this server holds the task's lease, as it knows. */
    boolean holds(String taskId);

    /** The tasks whose lease a live server other than this one holds, as the database says now. */
    Set<String> heldElsewhere() throws IOException;

    /** Tells {@code lost} of each lease this server loses (taken over, or not renewed in time). */
    void onLost(Consumer<String> lost);

    /** Every claim held, nothing shared: one server on its own data directory. */
    Leases NONE = new Leases() {
        public Claim claim(String taskId) {
            return new Claim(true, null);
        }

        public void release(String taskId) {}

        public boolean holds(String taskId) {
            return false;
        }

        public Set<String> heldElsewhere() {
            return Set.of();
        }

        public void onLost(Consumer<String> lost) {}
    };
}
