package taskrunner.support;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.TaskServer;
import taskrunner.core.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real server on port 0 with a temp data directory, plus an HTTP client: what every
 * HTTP test starts from. The admin password is "adminpass".
 *
 * <p>In cluster mode ({@link #CLUSTER}, the build's cluster pass; {@link #cluster} for one fixture) it is two servers with the same
 * customization on one fresh database of the JVM's PostgreSQL ({@link Postgres#perJvm}), each with a
 * data directory of its own, and {@link #uri} names the other server than its last call did, as a
 * round-robin load balancer would: a test written for one server then proves that the two form one
 * service. {@link #server} is the first of them (the one that made the root account), {@link #other}
 * the second. Tests that cannot hold for two servers say why with {@link SingleServer}.
 */
public final class ServerFixture implements Endpoint, AutoCloseable {
    public static final String ADMIN_PASSWORD = "adminpass";
    /** System property {@code taskrunner.test.cluster}: every fixture is a cluster of two servers. */
    public static final boolean CLUSTER = Boolean.getBoolean("taskrunner.test.cluster");
    public final Path dataDir;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Consumer<TaskServer.Builder> customize;
    private final boolean cluster;
    private Path tasksFile; // made by withTasks, deleted on close
    public TaskServer server;
    /** In cluster mode the second server, on {@link #server}'s database; else null. */
    public TaskServer other;
    private Path otherDataDir; // cluster mode: other's
    private String database; // cluster mode: the JDBC URL of the fixture's database, made at the first start
    private final AtomicInteger calls = new AtomicInteger(); // cluster mode: uri's, for the alternation

    public ServerFixture() throws IOException {
        this(b -> {});
    }

    public ServerFixture(Consumer<TaskServer.Builder> customize) throws IOException {
        this(customize, CLUSTER);
    }

    private ServerFixture(Consumer<TaskServer.Builder> customize, boolean cluster) throws IOException {
        this.dataDir = Files.createTempDirectory("taskrunner-test");
        this.customize = customize;
        this.cluster = cluster;
        start();
    }

    /** Two servers on one database as in cluster mode, whatever {@link #CLUSTER} says: for a test of the cluster itself. */
    public static ServerFixture cluster(Consumer<TaskServer.Builder> customize) throws IOException {
        return new ServerFixture(customize, true);
    }

    /** A server offering the command tasks of {@code tasksJson}, written to a temp file deleted on close. */
    public static ServerFixture withTasks(String tasksJson) throws IOException {
        Path file = Files.createTempFile("tasks", ".json");
        try {
            Files.writeString(file, tasksJson);
            var fx = new ServerFixture(b -> {
                try {
                    b.tasksFile(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            fx.tasksFile = file;
            return fx;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Starts (again) on the same data directory; in cluster mode both servers, on the same database. */
    public void start() throws IOException {
        if (!cluster) {
            server = builder().build().start();
            return;
        }
        if (database == null) {
            try {
                database = Postgres.perJvm().newDatabase();
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
            otherDataDir = Files.createTempDirectory("taskrunner-test-other");
        }
        // Kazoo-shaped node names (taskrunner@host), as tests of the node field expect.
        // One after the other: the second joins the database the first set up (two first starts at once are unsafe).
        server = builder().configure(c -> c.postgres(database).node("taskrunner@node-a")).build().start();
        try {
            other = builder().dataDir(otherDataDir).configure(c -> c.postgres(database).node("taskrunner@node-b")).build().start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The test's customization over the fixture's defaults; a cluster's settings go on top. */
    private TaskServer.Builder builder() {
        var b = TaskServer.builder().port(0).dataDir(dataDir).adminPassword(ADMIN_PASSWORD).examples();
        customize.accept(b);
        return b;
    }

    public void restart() throws IOException {
        closeServers();
        start();
    }

    /** The address of {@code pathAndQuery} on the server; in cluster mode on the other one than the last call's. */
    public URI uri(String pathAndQuery) {
        TaskServer to = other == null || calls.getAndIncrement() % 2 == 0 ? server : other;
        return to.uri().resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
    }

    /**
     * Task {@code id} as the service holds it now, or null: in cluster mode {@link #server}'s copy once
     * it has read what {@link #other} wrote (its own catch-up would come only with its next request).
     */
    public Task task(String id) {
        if (other != null) server.services().store().catchUp();
        return server.services().tasks().get(id);
    }

    /** Whether task {@code id} runs now on a server of this fixture (in cluster mode it may run on either). */
    public boolean isActive(String id) {
        return server.services().tasks().isActive(id) || other != null && other.services().tasks().isActive(id);
    }

    public HttpResponse<String> send(HttpRequest.Builder req) throws IOException, InterruptedException {
        return http.send(req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery));
    }

    /**
     * Appends journal lines where the journal's data ends, at its first NUL (the file is
     * preallocated): records as an older version wrote them. With the server closed.
     */
    public void appendToJournal(String lines) throws IOException {
        Path journal = dataDir.resolve("journal.jsonl");
        byte[] bytes = Files.readAllBytes(journal);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        try (var ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8)), end);
        }
    }

    /** A journal line that puts a record ({@code kind} "task", "user", ...), for {@link #appendToJournal}. */
    public static String journalPut(String kind, Object id, Map<String, Object> value) throws IOException {
        var line = new java.util.LinkedHashMap<String, Object>();
        line.put("k", kind);
        line.put("id", id);
        line.put("v", value);
        return JSON.std.asString(line) + "\n";
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String body) throws IOException {
        return (Map<String, Object>) JSON.std.anyFrom(body);
    }

    /** Polls until the condition holds or the deadline passes; fails with the message then. */
    public static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        await(what, timeout, Duration.ofMillis(10), condition);
    }

    /**
     * The same, looking every {@code every}: a benchmark looks less often, since a look costs
     * the server it measures (on two cores, looking every 10 ms cost a quarter of a row task's
     * throughput), or more often, for a start-up time in milliseconds.
     */
    public static void await(String what, Duration timeout, Duration every, Supplier<Boolean> condition)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Boolean.TRUE.equals(condition.get())) return;
            Thread.sleep(every);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private void closeServers() {
        if (other != null) other.close();
        if (server != null) server.close();
    }

    @Override
    public void close() throws IOException {
        closeServers();
        if (tasksFile != null) Files.deleteIfExists(tasksFile);
        delete(dataDir);
        if (otherDataDir != null) delete(otherDataDir);
        if (database != null) {
            try {
                Postgres.perJvm().dropDatabase(database); // a database per fixture would fill the disk
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
