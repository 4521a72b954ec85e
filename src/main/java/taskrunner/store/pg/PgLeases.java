package taskrunner.store.pg;

import taskrunner.store.Leases;
import taskrunner.store.StoreUnavailable;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The task leases of servers sharing one PostgreSQL database: table {@code taskrunner_leases},
 * one row per leased task ({@code task}, {@code node} holding it, {@code epoch} counting its
 * holders, {@code expires} on the database's clock).
 *
 * <p>Invariants:
 * <ul>
 * <li><b>One holder.</b> A claim takes the row under a row lock only if it is missing, expired,
 *     or this node's own (a previous life of it, after a crash); a take-over adds one to the
 *     epoch. Five times a term (at most every second) this server moves the expiry of the leases it holds to
 *     {@code term} from now; a lease the renewal does not find any more (taken over) is lost.</li>
 * <li><b>Fencing.</b> {@link #fence} is part of every transaction that writes a task this server
 *     holds (its record in {@link PgLog}, its work file's chunks in {@link PgBlobs}): it locks
 *     the lease row in share mode and finds it still this node's at the same epoch, or the
 *     transaction writes nothing. A take-over's update of the row waits for such a write to
 *     commit, and a write after the take-over finds the new epoch; so no write of a former holder
 *     lands after a take-over.</li>
 * <li><b>Self-fencing.</b> A server that has not renewed for half the term (the database
 *     cannot be reached, or the process was paused) counts every lease it held as lost, before any
 *     other server can find them expired: its runs end, and it writes nothing more of them.</li>
 * </ul>
 * Lost leases are told to the {@link #onLost} listeners (the lifecycle ends their runs).
 */
public final class PgLeases implements Leases, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PgLeases.class.getName());
    /** The kind of the records leases are of (TaskCodec's): their writes are fenced. */
    static final String LEASED_KIND = "task";
    /** How often held leases are renewed: five times a term, at most every second. */
    private final Duration renewEvery;
    private final String url;
    private final String node;
    private final Duration term;
    private final java.util.Properties props;
    /** Held task id → epoch. */
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private Connection c; // guarded by this
    private volatile long renewedAt = System.nanoTime(); // when the last renewal that succeeded was sent
    private volatile boolean closed;
    private Thread renewer, watch;

    public PgLeases(String url, String node, Duration term) {
        this.url = url;
        this.node = node;
        this.term = term;
        this.renewEvery = term.dividedBy(5).compareTo(Duration.ofSeconds(1)) < 0 ? term.dividedBy(5) : Duration.ofSeconds(1);
        this.props = PgLog.properties(node);
    }

    /** Starts renewing (after {@link PgLog} has migrated the schema), and the watch that self-fences. */
    public void start() {
        renewer = Thread.ofPlatform().daemon().name("pg-leases").start(this::renewLoop);
        watch = Thread.ofPlatform().daemon().name("pg-leases-watch").start(this::watchLoop);
    }

    /**
     * Apart from the renewals, which may hang on a lost database for their network timeout: a
     * lease not renewed for half its term is given up here, well before another server may find
     * it expired (after the whole term, on the database's clock).
     */
    private void watchLoop() {
        while (!closed) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            if (!held.isEmpty() && System.nanoTime() - renewedAt > term.toNanos() / 2) {
                for (String id : Set.copyOf(held.keySet())) lost(id, "not renewed for half its term of " + term.toSeconds() + " s");
            }
        }
    }

    public Duration term() {
        return term;
    }

    private Connection connection() throws SQLException {
        if (c == null) {
            c = DriverManager.getConnection(url, props);
            c.setAutoCommit(false);
            c.setNetworkTimeout(Runnable::run, (int) Math.max(500, term.toMillis() / 4));
        }
        return c;
    }

    private void drop() {
        PgLog.closeQuietly(c);
        c = null;
    }

    @Override
    public synchronized Claim claim(String taskId) throws IOException {
        if (held.containsKey(taskId)) return new Claim(true, null);
        long sent = System.nanoTime();
        try {
            Connection k = connection();
            String from = null;
            try (PreparedStatement ps = k.prepareStatement(
                    "select node, expires < now() from taskrunner_leases where task = ? for update")) {
                ps.setString(1, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String holder = rs.getString(1);
                        if (!holder.equals(node)) {
                            if (!rs.getBoolean(2)) {
                                k.commit();
                                return new Claim(false, holder);
                            }
                            from = holder;
                        }
                    }
                }
            }
            long epoch;
            try (PreparedStatement ps = k.prepareStatement("""
                    insert into taskrunner_leases (task, node, epoch, expires) values (?, ?, 1, now() + make_interval(secs => ?))
                    on conflict (task) do update set node = excluded.node, epoch = taskrunner_leases.epoch + 1,
                        expires = excluded.expires
                    where taskrunner_leases.expires < now() or taskrunner_leases.node = excluded.node
                    returning epoch""")) {
                ps.setString(1, taskId);
                ps.setString(2, node);
                ps.setDouble(3, term.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    epoch = rs.next() ? rs.getLong(1) : -1;
                }
            }
            k.commit();
            if (epoch < 0) return new Claim(false, null); // another server inserted it between the two statements
            if (held.isEmpty()) renewedAt = sent; // the watch measures from this claim, not from an idle time before it
            held.put(taskId, epoch);
            return new Claim(true, from);
        } catch (SQLException e) {
            PgLog.rollbackQuietly(c);
            drop();
            throw new StoreUnavailable("the database did not answer a lease claim; try again", e);
        }
    }

    @Override
    public void release(String taskId) {
        Long epoch = held.remove(taskId);
        if (epoch == null) return;
        synchronized (this) {
            try (PreparedStatement ps = connection().prepareStatement(
                    "delete from taskrunner_leases where task = ? and node = ? and epoch = ?")) {
                ps.setString(1, taskId);
                ps.setString(2, node);
                ps.setLong(3, epoch);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                LOG.warning("task " + taskId + ": its lease could not be given back (it expires within the term): " + e.getMessage());
                PgLog.rollbackQuietly(c);
                drop();
            }
        }
    }

    @Override
    public boolean holds(String taskId) {
        return held.containsKey(taskId);
    }

    @Override
    public synchronized Set<String> heldElsewhere() throws IOException {
        var ids = new HashSet<String>();
        try (PreparedStatement ps = connection().prepareStatement(
                "select task from taskrunner_leases where node <> ? and expires >= now()")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
            c.commit();
            return ids;
        } catch (SQLException e) {
            PgLog.rollbackQuietly(c);
            drop();
            throw new StoreUnavailable("the database did not answer; try again", e);
        }
    }

    @Override
    public void onLost(Consumer<String> lost) {
        listeners.add(lost);
    }

    /**
     * In a transaction on {@code k} that writes task {@code taskId}: true if this server does not
     * hold its lease (the write is not its runner's) or still holds it (the row is locked in share
     * mode until {@code k} commits); false if the lease was taken over, which is then lost.
     */
    boolean fence(Connection k, String taskId) throws SQLException {
        Long epoch = held.get(taskId);
        if (epoch == null) return true;
        try (PreparedStatement ps = k.prepareStatement(
                "select 1 from taskrunner_leases where task = ? and node = ? and epoch = ? for share")) {
            ps.setString(1, taskId);
            ps.setString(2, node);
            ps.setLong(3, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) return true;
            }
        }
        lost(taskId, "another server took it over");
        return false;
    }

    private void lost(String taskId, String why) {
        if (held.remove(taskId) == null) return;
        LOG.warning("task " + taskId + ": this server lost its lease (" + why + "); its run here ends");
        for (var l : listeners) l.accept(taskId);
    }

    private void renewLoop() {
        while (!closed) {
            try {
                Thread.sleep(renewEvery);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            renew();
        }
    }

    /** Moves the expiry of every held lease; loses those not found, or all when renewing failed for too long. */
    void renew() {
        if (held.isEmpty()) {
            renewedAt = System.nanoTime();
            return;
        }
        long sent = System.nanoTime();
        var mine = Map.copyOf(held);
        var found = new HashSet<String>();
        boolean ok;
        synchronized (this) {
            try (PreparedStatement ps = connection().prepareStatement("""
                    update taskrunner_leases set expires = now() + make_interval(secs => ?)
                    where node = ? and task = any(?) returning task, epoch""")) {
                ps.setDouble(1, term.toMillis() / 1000.0);
                ps.setString(2, node);
                ps.setArray(3, c.createArrayOf("text", mine.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getLong(2) == mine.get(rs.getString(1))) found.add(rs.getString(1));
                    }
                }
                c.commit();
                ok = true;
            } catch (SQLException e) {
                PgLog.rollbackQuietly(c);
                drop();
                ok = false;
            }
        }
        if (ok) {
            renewedAt = sent;
            for (String id : mine.keySet()) if (!found.contains(id)) lost(id, "another server took it over");
        }
    }

    /** Stops renewing and gives back every lease this node holds: other servers take those tasks over at once. */
    @Override
    public void close() {
        closed = true;
        if (renewer != null) renewer.interrupt();
        if (watch != null) watch.interrupt();
        held.clear();
        synchronized (this) {
            try (PreparedStatement ps = connection().prepareStatement("delete from taskrunner_leases where node = ?")) {
                ps.setString(1, node);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                // they expire within the term
            }
            drop();
        }
    }
}
