package taskrunner.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a {@link Store} makes its records durable: the data directory's {@link Journal}
 * (the default), or a database shared by several servers ({@code taskrunner.store.pg.PgLog}).
 *
 * <p>Contract, the Store's invariant: {@link #append} returns only once the event is durable,
 * and the event is handed to the store's {@code apply} (which changes memory and calls the
 * listeners) after it is durable and before {@code append} returns; a write that throws changed
 * nothing visible here. A log shared with other servers also hands their events to {@code apply},
 * in the order they were made durable, each at most once. {@code apply} calls are never
 * concurrent with each other.
 */
public interface RecordLog extends AutoCloseable {

    /** Opens a log, replaying what it holds into {@code apply} before returning. */
    @FunctionalInterface
    interface Opener {
        /** @param liveState one put event per live record, read lazily from memory (for a snapshot) */
        RecordLog open(Consumer<JournalEvent> apply, Supplier<? extends Collection<JournalEvent>> liveState) throws IOException;
    }

    void append(JournalEvent event) throws IOException;

    /**
     * As {@link #append}, only if {@code unchanged} (asked while no event is applied) says memory
     * still holds what the caller based the event on, and the log holds no newer version of the
     * record than memory: else {@link Conflict}, nothing written. A log of one server's alone
     * writes at once: its callers serialize their changes of a record themselves.
     */
    default void append(JournalEvent event, java.util.function.BooleanSupplier unchanged) throws IOException {
        append(event);
    }

    /**
     * Applies what other servers made durable before this call (a log of one server's alone has
     * nothing to do). Called before each request is served, so a client that wrote through one
     * server and reads through another reads its write. Never throws: on failure memory stays
     * as it was (a stale read, not a failed one).
     */
    default void catchUp() {}

    /** Makes what the log holds as small as the live state (a journal's snapshot); may do nothing. */
    void compactNow() throws IOException;

    /** Writes the live state into {@code dir} as a data directory of its own; returns the number of records. */
    int snapshotTo(Path dir) throws IOException;

    /** Tells {@code listener} what each batch of writes cost from now on. */
    void listener(Journal.Listener listener);

    /** Mean events per durable write since open. */
    double meanBatch();

    long compactions();

    @Override
    void close() throws IOException;
}
