package taskrunner.store.pg;

import taskrunner.store.CountWindows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The failed-login windows of servers sharing one PostgreSQL database: table
 * {@code taskrunner_throttle}, one row per (name, client) pair, its window's start and failures;
 * a failure is one upsert that starts a new window or counts in the current one, so servers
 * counting at once never lose a failure.
 *
 * <p>A database that does not answer throttles nothing (logged once until it answers again):
 * every write fails then anyway, so a login cannot make a token, and refusing every login
 * instead would lock everybody out for the database's fault.
 */
public final class PgThrottle implements CountWindows {
    private static final Logger LOG = Logger.getLogger(PgThrottle.class.getName());
    private final String url;
    private final Properties props;
    private Connection c; // guarded by this
    private boolean failing; // this's

    public PgThrottle(String url, String node) {
        this.url = url;
        this.props = PgLog.properties(node);
    }

    private Connection connection() throws SQLException {
        if (c == null) {
            c = DriverManager.getConnection(url, props);
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, PgLog.READ_TIMEOUT_MS);
        }
        return c;
    }

    private void failed(SQLException e) {
        if (!failing) LOG.warning("failed logins cannot be counted in PostgreSQL at " + PgLog.redacted(url) + ": " + e.getMessage());
        failing = true;
        PgLog.closeQuietly(c);
        c = null;
    }

    @Override
    public synchronized CountWindows.Window get(String name, String client) {
        try (PreparedStatement ps = connection().prepareStatement(
                "select start_ms, failures from taskrunner_throttle where name = ? and client = ?")) {
            ps.setString(1, name);
            ps.setString(2, client);
            try (ResultSet rs = ps.executeQuery()) {
                failing = false;
                return rs.next() ? new CountWindows.Window(rs.getLong(1), rs.getInt(2)) : null;
            }
        } catch (SQLException e) {
            failed(e);
            return null;
        }
    }

    @Override
    public synchronized CountWindows.Window count(String name, String client, long now, long windowMs) {
        try (PreparedStatement ps = connection().prepareStatement("""
                insert into taskrunner_throttle as t (name, client, start_ms, failures) values (?, ?, ?, 1)
                on conflict (name, client) do update set
                    start_ms = case when t.start_ms <= excluded.start_ms - ? then excluded.start_ms else t.start_ms end,
                    failures = case when t.start_ms <= excluded.start_ms - ? then 1 else t.failures + 1 end
                returning start_ms, failures""")) {
            ps.setString(1, name);
            ps.setString(2, client);
            ps.setLong(3, now);
            ps.setLong(4, windowMs);
            ps.setLong(5, windowMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                failing = false;
                var w = new CountWindows.Window(rs.getLong(1), rs.getInt(2));
                if (w.count() == 1) prune(now - windowMs);
                return w;
            }
        } catch (SQLException e) {
            failed(e);
            return new CountWindows.Window(now, 1);
        }
    }

    /** Windows that passed go when a new one starts, so the table holds about one minute's guessers. */
    private void prune(long before) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("delete from taskrunner_throttle where start_ms < ?")) {
            ps.setLong(1, before);
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void clear(String name, String client) {
        try (PreparedStatement ps = connection().prepareStatement("delete from taskrunner_throttle where name = ? and client = ?")) {
            ps.setString(1, name);
            ps.setString(2, client);
            ps.executeUpdate();
        } catch (SQLException e) {
            failed(e);
        }
    }
}
