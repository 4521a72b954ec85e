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

    public PgBlobs(String url, String node) {
        this.url = url;
        this.props = PgLog.properties(node);
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
