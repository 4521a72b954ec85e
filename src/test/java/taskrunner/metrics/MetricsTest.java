package taskrunner.metrics;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.FaceTasks;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code GET /metrics} of a real server, read with {@link StrictTextFormat}: valid text, the
 * counters of every face move when their tasks run, HTTP requests are counted by route
 * pattern, and who may read it.
 */
class MetricsTest {
    static ServerFixture fx;
    static FaceTasks run;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(c -> c.ckanCallbackAttempts(2).ckanCallbackBackoffMs(10).ckanCallbackTimeoutMs(2000)));
        run = new FaceTasks(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static HttpResponse<String> get(String... headers) throws Exception {
        var b = fx.request("/metrics").GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return fx.send(b);
    }

    private static StrictTextFormat scrape() throws Exception {
        var r = get("X-Auth-Token", run.kazoo.token);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
        return StrictTextFormat.read(r.body());
    }

    private static Map<String, String> labels(String... kv) {
        var m = new LinkedHashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    /** Polls the metrics until {@code check} passes (counters move just after the answer they count). */
    private static StrictTextFormat awaitMetrics(String what, java.util.function.Predicate<StrictTextFormat> check) throws Exception {
        var last = new AtomicReference<StrictTextFormat>();
        ServerFixture.await(what, Duration.ofSeconds(20), () -> {
            try {
                last.set(scrape());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return check.test(last.get());
        });
        return last.get();
    }

    @Test
    void theTextIsValidAndEveryFamilyIsThereBeforeAnythingRan() throws Exception {
        var m = scrape();
        for (String name : List.of("taskrunner_tasks", "taskrunner_tasks_ended_total", "taskrunner_task_duration_seconds",
                "taskrunner_http_requests_total", "taskrunner_journal_appends_total", "taskrunner_journal_batch_size",
                "taskrunner_journal_fsync_seconds", "taskrunner_queue_depth", "taskrunner_running_tasks", "taskrunner_blob_bytes",
                "taskrunner_failed_logins_total", "taskrunner_ckan_callback_attempts_total", "taskrunner_ckan_callback_failures_total")) {
            assertTrue(m.families.containsKey(name), name + " missing");
            assertNotNull(m.families.get(name).help(), name + " has no HELP");
        }
        assertEquals("histogram", m.families.get("taskrunner_journal_fsync_seconds").type());
        for (String face : List.of("kazoo", "ckan", "entryscape")) {
            assertNotNull(m.value("taskrunner_tasks", labels("face", face, "state", "running")), face + " series from 0 on");
        }
    }

    @Test
    void countersMoveWhenTasksOfEachFaceRun() throws Exception {
        var before = scrape();
        var receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        receiver.createContext("/hook", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try {
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String nowhere;
            try (var free = new ServerSocket(0)) {
                nowhere = "http://127.0.0.1:" + free.getLocalPort() + "/hook"; // closed again: connections are refused
            }

            String kazooId = run.kazooDone(FaceTasks.csv(1000)); // over 4 KiB: a blob file
            run.ckanEcho("metrics-ok", "hello", Map.of("result_url", hook, "api_key", "metrics-api-key"));
            run.ckanEcho("metrics-bad", "hello", Map.of("result_url", nowhere, "api_key", "metrics-api-key"));
            run.ckanEcho("metrics-failed", ">refused", Map.of());
            run.entryscapeDone("metrics", "station,value\nA,1\nB,2\n");
            assertEquals(401, fx.send(fx.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"not the password\"}}"))).statusCode());
            for (String id : List.of(kazooId, "0123456789abcdef0123456789abcdef")) run.kazoo.get(run.kazoo.tasksPath() + "/" + id);
            fx.send(fx.request("/v2/no/such/route/" + kazooId).GET());

            var after = awaitMetrics("every counter to move", m ->
                    delta(before, m, "taskrunner_ckan_callback_attempts_total", labels()) >= 3
                            && delta(before, m, "taskrunner_ckan_callback_failures_total", labels()) == 1
                            && delta(before, m, "taskrunner_http_requests_total", labels("face", "kazoo",
                                    "route", "unmatched", "method", "GET", "status", "404")) == 1);

            for (String face : List.of("kazoo", "ckan", "entryscape")) {
                var f = labels("face", face);
                assertTrue(delta(before, after, "taskrunner_task_duration_seconds_count", f) >= 1, face + " durations");
                var done = labels("face", face, "state", "done");
                assertEquals(face.equals("ckan") ? 2 : 1, delta(before, after, "taskrunner_tasks_ended_total", done), face + " ended");
                assertEquals(face.equals("ckan") ? 2 : 1, delta(before, after, "taskrunner_tasks", done), face + " done");
            }
            assertEquals(1, delta(before, after, "taskrunner_tasks_ended_total", labels("face", "ckan", "state", "failed")));
            assertEquals(1, delta(before, after, "taskrunner_tasks", labels("face", "ckan", "state", "failed")));

            assertEquals(1, delta(before, after, "taskrunner_http_requests_total",
                    labels("face", "kazoo", "route", "/v2/accounts/{account}/tasks", "method", "PUT", "status", "201")));
            assertTrue(delta(before, after, "taskrunner_http_requests_total",
                    labels("face", "kazoo", "route", "/v2/accounts/{account}/tasks/{task}", "method", "GET", "status", "200")) >= 2,
                    "the polls and the read of the finished task share one series: the pattern, not the path");
            assertEquals(1, delta(before, after, "taskrunner_http_requests_total",
                    labels("face", "kazoo", "route", "/v2/accounts/{account}/tasks/{task}", "method", "GET", "status", "404")));
            assertEquals(3, delta(before, after, "taskrunner_http_requests_total",
                    labels("face", "ckan", "route", "/job/{id}", "method", "POST", "status", "200")));
            assertEquals(1, delta(before, after, "taskrunner_http_requests_total",
                    labels("face", "entryscape", "route", "/taskrunner/v1/distribution/addFile", "method", "POST", "status", "200")));
            for (var s : after.samples("taskrunner_http_requests_total")) {
                assertFalse(s.labels().get("route").contains(kazooId), "a raw path in a label: " + s);
            }

            assertEquals(1, delta(before, after, "taskrunner_failed_logins_total", labels()));
            assertTrue(delta(before, after, "taskrunner_journal_appends_total", labels()) >= 10);
            assertTrue(delta(before, after, "taskrunner_journal_batch_size_count", labels()) >= 1);
            assertTrue(delta(before, after, "taskrunner_journal_fsync_seconds_count", labels()) >= 1);
            assertTrue(after.valueOr0("taskrunner_blob_bytes", labels()) > 12_000, "the Kazoo task's input and output files");
            assertEquals(0, after.valueOr0("taskrunner_queue_depth", labels()));
            assertEquals(0, after.valueOr0("taskrunner_running_tasks", labels()));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void queueDepthAndRunningCountFollowTheRunner() throws Exception {
        String id = run.kazooRunning(200, 100);
        try {
            var m = awaitMetrics("a running task", x -> x.valueOr0("taskrunner_running_tasks", labels()) >= 1
                    && x.valueOr0("taskrunner_tasks", labels("face", "kazoo", "state", "running")) >= 1);
            assertNotNull(m.value("taskrunner_queue_depth", labels()));
        } finally {
            run.kazoo.send("PATCH", run.kazoo.tasksPath() + "/" + id + "/stop", null, null);
        }
        awaitMetrics("the task stopped", x -> x.valueOr0("taskrunner_running_tasks", labels()) == 0
                && x.valueOr0("taskrunner_tasks", labels("face", "kazoo", "state", "stopped")) >= 1);
    }

    @Test
    void onlyTheRootAccountMayReadTheMetricsUnlessTheyAreOpen() throws Exception {
        assertEquals(401, get().statusCode());
        assertEquals(401, get("X-Auth-Token", "not a token").statusCode());
        assertEquals(401, get("Authorization", "Bearer not-a-token").statusCode());
        KazooClient other = run.kazoo.childWithUser("metrics-tenant", "metrics-user", "tenant-password");
        assertEquals(403, get("X-Auth-Token", other.token).statusCode());
        assertEquals(403, get("Authorization", "Bearer " + other.token).statusCode());
        assertEquals(200, get("X-Auth-Token", run.kazoo.token).statusCode());
        assertEquals(200, get("Authorization", "Bearer " + run.kazoo.token).statusCode());
        var apiKey = fx.send(fx.request("/v2/api_auth").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"api_key\":\"" + fx.server.bootstrap().apiKey() + "\"}}")));
        assertEquals(201, apiKey.statusCode(), apiKey.body());
        assertEquals(200, get("X-Auth-Token", (String) ServerFixture.json(apiKey.body()).get("auth_token")).statusCode(),
                "the root account's api_key, for a scrape without a password");

        try (var open = new ServerFixture(b -> b.configure(c -> c.metricsOpen(true)))) {
            var r = open.send(open.request("/metrics").GET());
            assertEquals(200, r.statusCode());
            StrictTextFormat.read(r.body());
        }
    }

    @Test
    void labelValuesAndHelpAreEscapedAsTheFormatSays() {
        var m = new Metrics();
        Counts c = m.counts("test_escapes_total", "help with \\ and\na newline", "counter", "value");
        String odd = "back\\slash \"quoted\"\nnext line";
        c.add(2, odd);
        Histogram h = m.histogram("test_seconds", "h", new double[] {0.001, 0.5, 1}, "face");
        h.observe(0.5, "x");
        h.observe(0.0001, "x");
        h.observe(7, "x");
        m.gauge("test_gauge", "g", () -> -3);
        String text = m.text();
        assertTrue(text.contains("test_escapes_total{value=\"back\\\\slash \\\"quoted\\\"\\nnext line\"} 2\n"), text);
        assertTrue(text.contains("# HELP test_escapes_total help with \\\\ and\\na newline\n"), text);
        var read = StrictTextFormat.read(text);
        assertEquals(2, read.value("test_escapes_total", labels("value", odd)));
        assertEquals("help with \\ and\na newline", read.families.get("test_escapes_total").help());
        assertEquals(1, read.value("test_seconds_bucket", labels("face", "x", "le", "0.001")));
        assertEquals(2, read.value("test_seconds_bucket", labels("face", "x", "le", "0.5")), "a value on a bound is in its bucket");
        assertEquals(3, read.value("test_seconds_bucket", labels("face", "x", "le", "+Inf")));
        assertEquals(3, read.value("test_seconds_count", labels("face", "x")));
        assertEquals(-3, read.value("test_gauge", labels()));
        assertThrows(IllegalArgumentException.class, () -> m.gauge("test_gauge", "again", () -> 0));
        assertThrows(IllegalArgumentException.class, () -> m.gauge("bad-name", "x", () -> 0));
        assertThrows(IllegalArgumentException.class, () -> m.counts("test_le", "x", "counter", "le"));
    }

    private static double delta(StrictTextFormat before, StrictTextFormat after, String name, Map<String, String> labels) {
        return after.valueOr0(name, labels) - before.valueOr0(name, labels);
    }
}
