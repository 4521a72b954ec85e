package taskrunner.store.pg;

import taskrunner.Json;
import taskrunner.store.Conflict;
import taskrunner.store.Journal;
import taskrunner.store.JournalEvent;
import taskrunner.store.LeaseLost;
import taskrunner.store.StoreUnavailable;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * {@link PgLog}'s writes: every write waiting when a transaction begins goes into it (one
 * advisory lock, one commit, one WAL flush for up to {@link #MAX_BATCH} writes), and whichever
 * caller holds the write lock next writes the batch for all of them.
 *
 * <p>Invariants:
 * <ul>
 * <li><b>Commit, then memory.</b> A batch's events are handed to {@link Memory#committed} only
 *     after the commit; a failed transaction fails every one of its writes
 *     ({@link StoreUnavailable}) and none of them changed memory.</li>
 * <li><b>Each write its own outcome.</b> A conditional write based on a version the database no
 *     longer holds ({@link Conflict}), or of a task whose lease was taken over ({@link LeaseLost},
 *     {@link PgLeases#fence}), is refused alone; the rest of its batch commits.</li>
 * <li><b>Writes are ordered.</b> Every transaction takes {@link #WRITE_LOCK} before it draws its
 *     {@code seq}s and holds it to its commit, so the committed rows of all servers are always a
 *     prefix of {@code seq} order (what {@link PgLog}'s catch-up relies on).</li>
 * </ul>
 *
 * <p>Threading: one transaction at a time per server, on one connection (guarded by the write
 * lock); a broken connection is dropped and opened again by the next batch.
 */
final class GroupCommit {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());
    /** The advisory lock that orders every write ("taskrunn" in ASCII). */
    static final long WRITE_LOCK = 0x7461736b72756e6eL;
    /** The most writes one transaction carries. */
    static final int MAX_BATCH = 512;
    private static final String UPSERT = """
            insert into taskrunner_records (kind, id, value, version, seq) values (?, ?, ?, 1, nextval('taskrunner_seq'))
            on conflict (kind, id) do update set value = excluded.value, version = taskrunner_records.version + 1,
                seq = excluded.seq
            returning version""";
    /** A replace of the version memory holds: no row when the database holds another. */
    private static final String REPLACE = """
            update taskrunner_records set value = ?, version = version + 1, seq = nextval('taskrunner_seq')
            where kind = ? and id = ? and version = ? returning version""";
    /** A replace of a record memory has never seen: no row when it exists. */
    private static final String CREATE = """
            insert into taskrunner_records (kind, id, value, version, seq) values (?, ?, ?, 1, nextval('taskrunner_seq'))
            on conflict (kind, id) do nothing returning version""";

    /** The memory the writes are applied to, with its own lock (never held here during database I/O). */
    interface Memory {
        /** Asks each write's condition and gives it the version memory holds ({@link Pending#expect}). */
        void expect(List<Pending> batch);

        /** Applies the writes of a committed batch that were {@link Pending#written}, in order. */
        void committed(List<Pending> batch);
    }

    /**
     * One write waiting for its batch: the event, its condition, and once its batch committed
     * (or failed) the outcome: the version written, or why not.
     */
    static final class Pending {
        private final JournalEvent event;
        private final BooleanSupplier unchanged;
        private final String key;
        private final String json;
        private long expected = -1; // -1: unconditional
        private boolean done;
        private long version;
        private IOException failure;

        Pending(JournalEvent event, BooleanSupplier unchanged) {
            this.event = event;
            this.unchanged = unchanged;
            this.key = event.kind() + '\0' + event.id();
            this.json = event.isDelete() ? null : Json.string(event.value());
        }

        JournalEvent event() {
            return event;
        }

        /** Kind and id, as memory keys its versions. */
        String key() {
            return key;
        }

        long version() {
            return version;
        }

        boolean written() {
            return failure == null;
        }

        /** With memory's lock: a conditional write checks its condition and bases itself on {@code memoryVersion}. */
        void expect(long memoryVersion) {
            if (unchanged == null) return;
            if (!unchanged.getAsBoolean()) failure = new Conflict(event.kind(), event.id());
            else expected = memoryVersion;
        }
    }

    private final Object writeLock = new Object();
    /** Writes waiting for the next batch, in arrival order; guarded by itself. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final SqlConnector connector;
    private final String url;
    private final PgLeases leases;
    private final Memory memory;
    private Connection writer; // writeLock's
    private long batches, batched; // writeLock's
    private boolean closed; // writeLock's
    private volatile Journal.Listener listener = (events, nanos) -> {};

    /** Opens connections for the writes. */
    @FunctionalInterface
    interface SqlConnector {
        Connection connect() throws SQLException;
    }

    /** @param first an open connection to write on first (auto-commit off); @param leases null: no fencing */
    GroupCommit(Connection first, SqlConnector connector, String url, PgLeases leases, Memory memory) {
        this.writer = first;
        this.connector = connector;
        this.url = url;
        this.leases = leases;
        this.memory = memory;
    }

    void listener(Journal.Listener listener) {
        this.listener = listener;
    }

    /** Returns once the event is committed and applied to memory; throws, with nothing changed, when it was not. */
    void append(JournalEvent event, BooleanSupplier unchanged) throws IOException {
        var mine = new Pending(event, unchanged);
        synchronized (waiting) {
            waiting.add(mine);
        }
        synchronized (writeLock) {
            while (!mine.done) writeBatch(); // more than a batch may wait ahead of it
        }
        if (mine.failure != null) throw mine.failure;
    }

    /** Takes the waiting writes (up to {@link #MAX_BATCH}) and writes them as one transaction. With {@link #writeLock}. */
    private void writeBatch() {
        var batch = new ArrayList<Pending>();
        synchronized (waiting) {
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) batch.add(waiting.poll());
        }
        if (batch.isEmpty()) return;
        long t0 = System.nanoTime();
        if (closed) {
            for (Pending p : batch) {
                p.failure = new IOException("the store is closed");
                p.done = true;
            }
            return;
        }
        memory.expect(batch);
        int written = 0;
        try {
            if (writer == null) writer = connector.connect();
            try (PreparedStatement ps = writer.prepareStatement("select pg_advisory_xact_lock(?)")) {
                ps.setLong(1, WRITE_LOCK);
                ps.execute();
            }
            for (Pending p : batch) {
                if (p.failure != null) continue;
                if (leases != null && PgLeases.LEASED_KIND.equals(p.event.kind()) && !leases.fence(writer, p.event.id())) {
                    p.failure = new LeaseLost(p.event.id());
                    continue;
                }
                p.version = write(p);
                if (p.version < 0) p.failure = new Conflict(p.event.kind(), p.event.id());
                else written++;
            }
            if (written > 0) writer.commit();
            else writer.rollback();
        } catch (SQLException e) {
            LOG.warning("a write to PostgreSQL at " + PgLog.redacted(url) + " failed (SQLState " + e.getSQLState() + "): "
                    + e.getMessage());
            PgLog.rollbackQuietly(writer);
            PgLog.closeQuietly(writer);
            writer = null;
            var failed = new StoreUnavailable("the database did not confirm the write; try again", e);
            for (Pending p : batch) {
                if (p.failure == null) p.failure = failed;
                p.done = true;
            }
            return;
        }
        memory.committed(batch);
        for (Pending p : batch) p.done = true;
        batches++;
        batched += batch.size();
        if (written > 0) listener.written(written, System.nanoTime() - t0);
    }

    /** One event's statement in the open transaction: its new version, or -1 when the database holds another than expected. */
    private long write(Pending p) throws SQLException {
        long expected = p.expected;
        try (PreparedStatement ps = writer.prepareStatement(expected < 0 ? UPSERT : expected == 0 ? CREATE : REPLACE)) {
            if (expected > 0) {
                ps.setString(1, p.json);
                ps.setString(2, p.event.kind());
                ps.setString(3, p.event.id());
                ps.setLong(4, expected);
            } else {
                ps.setString(1, p.event.kind());
                ps.setString(2, p.event.id());
                ps.setString(3, p.json);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Mean writes per transaction since open. */
    double meanBatch() {
        synchronized (writeLock) {
            return batches == 0 ? 0 : (double) batched / batches;
        }
    }

    /** Writes nothing more; a write after this fails. */
    void close() {
        synchronized (writeLock) {
            closed = true;
            PgLog.closeQuietly(writer);
            writer = null;
        }
    }
}
