package taskrunner.store.pg;

import taskrunner.Json;
import taskrunner.store.Conflict;
import taskrunner.store.Journal;
import taskrunner.store.JournalEvent;
import taskrunner.store.RecordLog;
import taskrunner.store.StoreUnavailable;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The store's records in one PostgreSQL database that several servers share ({@code --postgres}).
 *
 * <p>Table {@code taskrunner_records}: one row per record ever written, primary key
 * {@code (kind, id)}; {@code value} the record's JSON exactly as the journal would hold it (text,
 * not jsonb, so the codec reads back what it wrote), null for a deleted record (a tombstone, kept
 * so other servers learn of the delete); {@code version} counts the writes of that key from 1;
 * {@code seq} the write's place in the order of all writes of all servers. The schema is
 * versioned in {@code taskrunner_schema} and migrated at open under an advisory lock, so servers
 * starting together migrate once ({@link Schema}).
 *
 * <p>Invariants:
 * <ul>
 * <li><b>Writes</b> go through one {@link GroupCommit} per server: committed (PostgreSQL's own
 *     durability: with {@code synchronous_commit} on, the default, the commit is in the WAL on
 *     disk), then applied to memory, in {@code seq} order across all servers; a write that was
 *     not confirmed throws and changed nothing.</li>
 * <li><b>Other servers' writes reach memory</b> by a catch-up ({@link #catchUp}: the rows with
 *     {@code seq} above the last seen, in order) before each request is served, and every
 *     {@code pollEvery} besides (for the listeners: counters, metrics). Each key's last applied
 *     version is kept, so a server's own writes, applied at once by {@link #append}, are not
 *     applied again, and no older version ever replaces a newer one. Applying (from a write or a
 *     catch-up) holds one lock, never during database I/O: the store's listeners never run
 *     concurrently.</li>
 * </ul>
 *
 * <p>Threading: {@link #append} callers share the group commit's batches on its connection;
 * catch-ups run on another, and callers that arrive during a catch-up's query share the next one.
 * A broken connection is dropped and opened again at the next use;
 * every statement has a socket timeout, so a lost database is a {@link StoreUnavailable}, never
 * a hang. The JDBC URL is never logged (it may hold a password): {@link #redacted} is.
 */
public final class PgLog implements RecordLog {
    private static final Logger LOG = Logger.getLogger(PgLog.class.getName());
    /** The advisory lock that orders every write ("taskrunn" in ASCII). */
    static final long WRITE_LOCK = GroupCommit.WRITE_LOCK;
    private static final String SINCE = "select kind, id, value, version, seq from taskrunner_records where seq > ? order by seq";

    private final String url;
    private final Properties props;
    private final Consumer<JournalEvent> apply;
    private final Duration pollEvery;
    /** Held while events are applied to memory (never during database I/O). */
    private final Object applyLock = new Object();
    /** Held by one catch-up at a time, for its query on {@link #reader}. */
    private final java.util.concurrent.locks.ReentrantLock readLock = new java.util.concurrent.locks.ReentrantLock();
    private final GroupCommit writes;
    private Connection reader; // readLock's
    private boolean readFailing; // readLock's
    private final Map<String, Long> versions = new HashMap<>(); // applyLock's
    private volatile long lastSeq;
    /** Catch-up tickets: a caller takes one, and is served by any query begun after it took it. */
    private final java.util.concurrent.atomic.AtomicLong tickets = new java.util.concurrent.atomic.AtomicLong();
    private long served; // readLock's: the last ticket a finished query served
    private final String node;
    private final PgLeases leases;
    private final Thread poller;
    private volatile boolean closed;

    /** Opens the log at {@code url} for {@link taskrunner.store.Store#open(java.util.Collection, RecordLog.Opener)}. */
    public static RecordLog.Opener opener(String url, String node, Duration pollEvery, PgLeases leases) {
        return (apply, liveState) -> new PgLog(url, node, apply, pollEvery, leases);
    }

    /** @param leases whose {@link PgLeases#fence} guards every write of a task (null: none, for tests of the log alone) */
    private PgLog(String url, String node, Consumer<JournalEvent> apply, Duration pollEvery, PgLeases leases) throws IOException {
        this.url = url;
        this.node = node;
        this.leases = leases;
        this.apply = apply;
        this.pollEvery = pollEvery;
        this.props = properties(node);
        Connection first = null;
        try {
            first = connect();
            Schema.migrate(first);
            apply(read(first)); // everything there is, in order
        } catch (SQLException e) {
            closeQuietly(first);
            throw new IOException("PostgreSQL at " + redacted(url) + " cannot be used: " + e.getMessage(), e);
        }
        writes = new GroupCommit(first, this::connect, url, leases, new Memory());
        poller = Thread.ofPlatform().daemon().name("pg-poll").start(this::pollLoop);
    }

    /** The URL without its query (user, password) and user info, for logs and messages. */
    public static String redacted(String url) {
        String u = url.indexOf('?') < 0 ? url : url.substring(0, url.indexOf('?'));
        int scheme = u.indexOf("//");
        int at = u.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) u = u.substring(0, scheme + 2) + u.substring(at + 1);
        return u;
    }

    /** Connection defaults (the URL's own parameters win): no wait on the database is unbounded. */
    static Properties properties(String node) {
        var props = new Properties();
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "30");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", ("taskrunner " + node).substring(0, Math.min(63, 11 + node.length())));
        return props;
    }

    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public void append(JournalEvent event) throws IOException {
        append(event, null);
    }

    /**
     * Writes through the {@link GroupCommit}; a write refused as stale brings memory up to the
     * database's version first (a catch-up), so the caller's retry is based on it.
     */
    @Override
    public void append(JournalEvent event, java.util.function.BooleanSupplier unchanged) throws IOException {
        try {
            writes.append(event, unchanged);
        } catch (Conflict e) {
            catchUp();
            throw e;
        }
    }

    /** This log's memory, as the group commit sees it: versions read and events applied under {@link #applyLock}. */
    private final class Memory implements GroupCommit.Memory {
        @Override
        public void expect(List<GroupCommit.Pending> batch) {
            synchronized (applyLock) {
                for (GroupCommit.Pending p : batch) p.expect(versions.getOrDefault(p.key(), 0L));
            }
        }

        @Override
        public void committed(List<GroupCommit.Pending> batch) {
            synchronized (applyLock) {
                for (GroupCommit.Pending p : batch) {
                    // else a catch-up applied it (or a newer one) already
                    if (p.written() && versions.getOrDefault(p.key(), 0L) < p.version()) {
                        versions.put(p.key(), p.version());
                        apply.accept(p.event());
                    }
                }
            }
        }
    }

    /** Rows read by one query: the events in {@code seq} order, each with its version, and the last seq. */
    private record Rows(List<JournalEvent> events, List<Long> versions, long lastSeq) {}

    /** Every row above {@link #lastSeq}, in order, as one consistent snapshot. */
    private Rows read(Connection c) throws SQLException {
        var events = new ArrayList<JournalEvent>();
        var rowVersions = new ArrayList<Long>();
        long seq = lastSeq;
        try (PreparedStatement ps = c.prepareStatement(SINCE)) {
            ps.setFetchSize(1000); // a cursor: a large first load is not held whole by the driver
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(3);
                    events.add(new JournalEvent(rs.getString(1), rs.getString(2), value == null ? null : decode(value)));
                    rowVersions.add(rs.getLong(4));
                    seq = rs.getLong(5);
                }
            }
        } finally {
            c.commit();
        }
        return new Rows(events, rowVersions, seq);
    }

    /** Applies the rows newer than what memory holds, in order; skips what was applied already. */
    private void apply(Rows rows) {
        synchronized (applyLock) {
            for (int i = 0; i < rows.events().size(); i++) {
                JournalEvent e = rows.events().get(i);
                String k = key(e.kind(), e.id());
                long v = rows.versions().get(i);
                if (versions.getOrDefault(k, 0L) >= v) continue; // our own write, or a newer version, is there
                versions.put(k, v);
                try {
                    apply.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "a record from PostgreSQL could not be applied (" + e.kind() + " " + e.id() + ")", ex);
                }
            }
            if (rows.lastSeq() > lastSeq) lastSeq = rows.lastSeq();
        }
    }

    /**
     * Reads and applies what other servers committed before this call. Concurrent callers share
     * one query: a caller's ticket is served by the first query that began after it was taken.
     * A query waits at most {@link #READ_TIMEOUT_MS} for the database; on failure memory stays as
     * it was, logged once until reading works again.
     */
    @Override
    public void catchUp() {
        long ticket = tickets.incrementAndGet();
        readLock.lock();
        try {
            if (served >= ticket || closed) return;
            long upTo = tickets.get();
            try {
                if (reader == null) {
                    reader = connect();
                    reader.setNetworkTimeout(Runnable::run, READ_TIMEOUT_MS);
                }
                apply(read(reader));
                if (readFailing) LOG.info("reading PostgreSQL at " + redacted(url) + " works again");
                readFailing = false;
            } catch (SQLException | RuntimeException e) {
                if (!readFailing) {
                    LOG.warning("reading other servers' writes from PostgreSQL at " + redacted(url)
                            + " failed (answering from memory meanwhile): " + e.getMessage());
                }
                readFailing = true;
                closeQuietly(reader);
                reader = null;
            }
            served = upTo;
        } finally {
            readLock.unlock();
        }
    }

    /** How long a catch-up waits for the database before it answers from memory. */
    static final int READ_TIMEOUT_MS = 2000;

    private static Map<String, Object> decode(String json) throws SQLException {
        try {
            return Json.STD.mapFrom(json);
        } catch (IOException e) {
            throw new SQLException("a record in taskrunner_records is not JSON: " + e.getMessage(), e);
        }
    }

    private static String key(String kind, String id) {
        return kind + '\0' + id;
    }

    private void pollLoop() {
        long pause = pollEvery.toNanos();
        while (!closed) {
            synchronized (this) {
                try {
                    long until = System.nanoTime() + pause;
                    for (long left = pause; left > 0 && !closed; left = until - System.nanoTime()) {
                        wait(Math.max(1, left / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (closed) return;
            catchUp();
        }
    }

    /** Nothing to compact: a row holds only its record's last version (PostgreSQL's vacuum reclaims the rest). */
    @Override
    public void compactNow() {}

    @Override
    public int snapshotTo(Path dir) throws IOException {
        throw new IOException("this server keeps its records in PostgreSQL: back them up with PostgreSQL's tools (pg_dump)");
    }

    @Override
    public void listener(Journal.Listener listener) {
        writes.listener(listener);
    }

    @Override
    public double meanBatch() {
        return writes.meanBatch();
    }

    @Override
    public long compactions() {
        return 0;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            poller.join(Duration.ofSeconds(35)); // a poll in progress ends within the socket timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writes.close();
        readLock.lock();
        try {
            closeQuietly(reader);
            reader = null;
        } finally {
            readLock.unlock();
        }
    }

    static void rollbackQuietly(Connection c) {
        if (c == null) return;
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is dropped next
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing more to do with a broken connection
        }
    }
}
