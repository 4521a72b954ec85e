package taskrunner.store.pg;

import taskrunner.store.BlobStore;
import taskrunner.store.StoreUnavailable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The blobs of servers sharing one PostgreSQL database ({@code --postgres}), as the
 * {@link BlobStore.Mirror} of each server's blob files: table {@code taskrunner_blobs}, one row
 * per {@link #CHUNK} bytes of a blob ({@code id}, chunk number {@code n} from 0, {@code bytes}).
 * A blob's chunks are inserted in one transaction, so a blob is there whole or not at all; reads
 * go through a cursor one chunk at a time. No blob is ever whole in memory, on either side.
 * Each operation opens its own connection (blobs are large; uploads of several requests run in
 * parallel).
 */
public final class PgBlobs implements BlobStore.Mirror {
    private static final Logger LOG = Logger.getLogger(PgBlobs.class.getName());
    /** Bytes per row. */
    static final int CHUNK = 1 << 20;
    private final String url;
    private final Properties props;
    private final PgLeases leases;

    /** @param leases whose {@link PgLeases#fence} guards every write of a work file */
    public PgBlobs(String url, String node, PgLeases leases) {
        this.url = url;
        this.props = PgLog.properties(node);
        this.leases = leases;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public void put(String id, Path file) throws IOException {
        try (Connection c = connect(); InputStream in = Files.newInputStream(file);
             PreparedStatement ps = c.prepareStatement("insert into taskrunner_blobs (id, n, bytes) values (?, ?, ?)")) {
            byte[] buf = new byte[CHUNK];
            int n = 0;
            for (int len; (len = in.readNBytes(buf, 0, CHUNK)) > 0; n++) {
                ps.setString(1, id);
                ps.setInt(2, n);
                ps.setBytes(3, len == CHUNK ? buf : java.util.Arrays.copyOf(buf, len));
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            LOG.warning("a blob could not be written to PostgreSQL at " + PgLog.redacted(url) + " (SQLState "
                    + e.getSQLState() + "): " + e.getMessage());
            throw new StoreUnavailable("the database did not confirm the upload; try again", e);
        }
    }

    @Override
    public boolean fetch(String id, Path into) throws IOException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("select bytes from taskrunner_blobs where id = ? order by n")) {
            ps.setFetchSize(1); // a cursor: one chunk in memory at a time
            ps.setString(1, id);
            boolean any = false;
            try (ResultSet rs = ps.executeQuery(); OutputStream out = Files.newOutputStream(into)) {
                while (rs.next()) {
                    any = true;
                    try (InputStream chunk = rs.getBinaryStream(1)) {
                        chunk.transferTo(out);
                    }
                }
            }
            c.commit();
            return any;
        } catch (SQLException e) {
            throw new StoreUnavailable("the database did not answer; try again", e);
        }
    }

    /**
     * Work files live in table {@code taskrunner_work}: one row per piece written between two
     * checkpoints ({@code name}, its byte offset {@code off}, {@code bytes}), each piece in
     * {@link #CHUNK}-sized rows. A piece is written in one transaction with the lease's fence;
     * rows at or past its offset (an earlier holder's bytes past the checkpoint resumed from)
     * are replaced in it.
     */
    @Override
    public void putWork(String name, String task, long from, Path file, long to) throws IOException {
        try (Connection c = connect(); var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            try {
                if (!leases.fence(c, task)) {
                    c.rollback();
                    throw new taskrunner.store.LeaseLost(task);
                }
                try (PreparedStatement ps = c.prepareStatement("delete from taskrunner_work where name = ? and off >= ?")) {
                    ps.setString(1, name);
                    ps.setLong(2, from);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("insert into taskrunner_work (name, off, bytes) values (?, ?, ?)")) {
                    var buf = java.nio.ByteBuffer.allocate((int) Math.min(CHUNK, to - from));
                    for (long off = from; off < to; ) {
                        buf.clear().limit((int) Math.min(buf.capacity(), to - off));
                        while (buf.hasRemaining()) {
                            if (ch.read(buf, off + buf.position()) < 0) throw new IOException("work file " + name + " is shorter than " + to);
                        }
                        ps.setString(1, name);
                        ps.setLong(2, off);
                        ps.setBytes(3, java.util.Arrays.copyOf(buf.array(), buf.limit()));
                        ps.executeUpdate();
                        off += buf.limit();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("the database did not take a task's checkpoint", e);
        }
    }

    /** The rows below {@code length} in order; rows past it (bytes after the checkpoint) are left for the next putWork to replace. */
    @Override
    public boolean fetchWork(String name, long length, Path into) throws IOException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "select off, bytes from taskrunner_work where name = ? and off < ? order by off")) {
            ps.setFetchSize(1);
            ps.setString(1, name);
            ps.setLong(2, length);
            long at = 0;
            try (ResultSet rs = ps.executeQuery(); OutputStream out = Files.newOutputStream(into)) {
                while (rs.next() && at < length) {
                    if (rs.getLong(1) != at) return false; // a gap: not the bytes the checkpoint counted
                    byte[] bytes = rs.getBytes(2);
                    int n = (int) Math.min(bytes.length, length - at);
                    out.write(bytes, 0, n);
                    at += n;
                }
            }
            c.commit();
            return at == length;
        } catch (SQLException e) {
            throw new StoreUnavailable("the database did not answer; try again", e);
        }
    }

    @Override
    public void deleteWork(String name) {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("delete from taskrunner_work where name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            LOG.warning("a work file's rows stay in PostgreSQL at " + PgLog.redacted(url) + " (unreferenced): " + e.getMessage());
        }
    }

    @Override
    public void delete(String id) {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("delete from taskrunner_blobs where id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            LOG.warning("a deleted blob stays in PostgreSQL at " + PgLog.redacted(url) + " (unreferenced): " + e.getMessage());
        }
    }
}
