package taskrunner.support;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.TaskServer;

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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real server on port 0 with a temp data directory, plus an HTTP client: what every
 * HTTP test starts from. The admin password is "adminpass".
 */
public final class ServerFixture implements Endpoint, AutoCloseable {
    public static final String ADMIN_PASSWORD = "adminpass";
    public final Path dataDir;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Consumer<TaskServer.Builder> customize;
    private Path tasksFile; // made by withTasks, deleted on close
    public TaskServer server;

    public ServerFixture() throws IOException {
        this(b -> {});
    }

    public ServerFixture(Consumer<TaskServer.Builder> customize) throws IOException {
        this.dataDir = Files.createTempDirectory("taskrunner-test");
        this.customize = customize;
        start();
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

    /** Starts (again) on the same data directory. */
    public void start() throws IOException {
        var b = TaskServer.builder().port(0).dataDir(dataDir).adminPassword(ADMIN_PASSWORD).examples();
        customize.accept(b);
        server = b.build().start();
    }

    public void restart() throws IOException {
        server.close();
        start();
    }

    public URI uri(String pathAndQuery) {
        return server.uri().resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
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

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
        if (tasksFile != null) Files.deleteIfExists(tasksFile);
        try (var walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
