package taskrunner.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.support.ChildServer;
import taskrunner.support.DataFiles;
import taskrunner.support.FakeCkan;
import taskrunner.support.ServerFixture;

import java.io.BufferedWriter;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./build.sh bench datapusher}: a {@value #ROWS}-row CSV pushed by {@code push_to_datastore}
 * to the fake CKAN site, the server in its own JVM with {@code -Xmx128m} and its GC log on, as
 * CKAN submits and polls it. Prints rows per second end to end, the time the fake spent in its
 * handlers (the calls are made one after another, so that time is on the push's path), the
 * rows per second without it, the phases from the job's own log, and the server's heap: the most
 * it held before a collection and after one, read from the GC log.
 */
public final class DataPusherBench {
    static final int ROWS = 1_000_000;
    private static final String TOKEN = "bench-token";
    private static final Pattern GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private DataPusherBench() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("bench-datapusher");
        Path csv = dir.resolve("big.csv");
        Path gcLog = dir.resolve("gc.log");
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("id,amount,day,station\n");
            for (int i = 1; i <= ROWS; i++) {
                w.write(i + "," + (i % 1000) + "." + (i % 100) + ",2024-01-" + (10 + i % 18) + ",station " + (i % 500) + "\n");
            }
        }
        try (var site = new FakeCkan(TOKEN); var files = new DataFiles();
             var server = ChildServer.start(dir.resolve("data"), List.of("-Xmx128m", "-Xlog:gc:file=" + gcLog),
                     "--datapusher-ckan-url", site.url(), "--datapusher-max-bytes", String.valueOf(1L << 30),
                     "--max-job-run-time-s", "0")) {
            site.keepRows(false);
            var resource = new LinkedHashMap<String, Object>();
            resource.put("id", "bench");
            resource.put("url", files.file("big.csv", csv, "text/csv"));
            resource.put("format", "CSV");
            site.addResource(resource);

            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            var metadata = new LinkedHashMap<String, Object>();
            metadata.put("ignore_hash", false);
            metadata.put("ckan_url", site.url());
            metadata.put("resource_id", "bench");
            metadata.put("set_url_type", false);
            metadata.put("task_created", "2026-11-22 10:30:22.217108");
            metadata.put("original_url", resource.get("url"));
            var body = Map.of("api_key", TOKEN, "job_type", "push_to_datastore",
                    "result_url", site.url() + "/api/3/action/datapusher_hook", "metadata", metadata);
            long t0 = System.nanoTime();
            var submitted = http.send(HttpRequest.newBuilder(server.uri.resolve("job")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(body))).build(), HttpResponse.BodyHandlers.ofString());
            var answer = ServerFixture.json(submitted.body());
            URI job = server.uri.resolve("job/" + answer.get("job_id"));
            String key = (String) answer.get("job_key");
            var last = new AtomicReference<Map<String, Object>>();
            ServerFixture.await("the push of " + ROWS + " rows", Duration.ofMinutes(20), Duration.ofMillis(200), () -> {
                try {
                    var r = http.send(HttpRequest.newBuilder(job).header("Authorization", key).build(), HttpResponse.BodyHandlers.ofString());
                    last.set(ServerFixture.json(r.body()));
                } catch (Exception e) {
                    return !server.process.isAlive();
                }
                return !"pending".equals(last.get().get("status")) || !server.process.isAlive();
            });
            double wall = (System.nanoTime() - t0) / 1e9;
            double fake = site.busyNanos() / 1e9;
            var table = site.table("bench");
            long loaded = table == null ? 0 : table.total;
            out.printf("datapusher: %d-row CSV (%.1f MB) pushed to the fake CKAN: %.1f s = %.0f rows/s end to end; status %s, %d rows"
                            + " in the table, error %s%n", ROWS, Files.size(csv) / 1e6, wall, ROWS / wall, last.get().get("status"),
                    loaded, last.get().get("error"));
            // the push waits for each call, so the fake's time is on its path (less what the push overlaps with it)
            out.printf("  the fake CKAN's own handlers: %.1f s (%.0f%% of it); rows/s over the rest of the time: %.0f%n", fake,
                    100 * fake / wall, ROWS / (wall - fake));
            out.println("  phases (the job's log): " + phases(last.get()));
            out.println("  server heap (-Xmx128m, from its GC log): " + heap(gcLog) + "; server alive: " + server.process.isAlive());
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Download and first pass (to the types line), then the load (to the last line). */
    private static String phases(Map<String, Object> job) {
        var logs = (List<?>) job.get("logs");
        LocalDateTime start = null, typed = null, end = null;
        for (Object o : logs) {
            var log = (Map<?, ?>) o;
            var at = LocalDateTime.parse((String) log.get("timestamp"));
            String message = (String) log.get("message");
            if (start == null) start = at;
            if (message.startsWith("Determined headers and types")) typed = at;
            end = at;
        }
        if (start == null || typed == null) return "(none)";
        return String.format("download + type scan %.1f s, load %.1f s (%d log lines)",
                Duration.between(start, typed).toMillis() / 1e3, Duration.between(typed, end).toMillis() / 1e3, logs.size());
    }

    private static String heap(Path gcLog) throws Exception {
        if (!Files.exists(gcLog)) return "no GC log";
        long before = 0, after = 0, committed = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (!m.find()) continue;
            collections++;
            before = Math.max(before, bytes(m.group(1), m.group(2)));
            after = Math.max(after, bytes(m.group(3), m.group(4)));
            committed = Math.max(committed, bytes(m.group(5), m.group(6)));
        }
        double mib = 1 << 20;
        return String.format("%d collections; at most %.0f MiB in use before one, %.0f MiB live after one, %.0f MiB committed",
                collections, before / mib, after / mib, committed / mib);
    }

    private static long bytes(String n, String unit) {
        long v = Long.parseLong(n);
        return switch (unit) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            default -> v << 30;
        };
    }
}
