package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** Sync, async and raw jobs over HTTP: outcomes, errors, logs, data, delete. */
class CkanJobsTest {
    static ServerFixture fx;
    static CkanClient c;
    static final CountDownLatch forever = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b
                .jobTask(new JobTaskType("raw_echo", false, true,
                        (data, ctx) -> (JobTaskType.RawResult) out -> out.write(("raw:" + data).getBytes(StandardCharsets.UTF_8))))
                .jobTask(new JobTaskType("chatty", false, true, (data, ctx) -> {
                    for (int i = 0; i < 5; i++) ctx.log(i % 2 == 0 ? "INFO" : "DEBUG", "line " + i);
                    return Map.of("n", 5, "ok", true);
                }))
                .jobTask(new JobTaskType("detailed", false, true, (data, ctx) -> {
                    throw new JobError("HTTP error", Map.of("HTTP status code", 404, "Requested URL", "http://x/"));
                }))
                .jobTask(new JobTaskType("block", true, true, (data, ctx) -> {
                    forever.await();
                    return null;
                })));
        c = new CkanClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        forever.countDown();
        fx.close();
    }

    @Test
    void syncEchoAnswersTheFinishedJobWithItsKey() throws Exception {
        var r = c.post("/job", Map.of("job_type", "echo", "api_key", "k", "data", "hello"));
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        var job = ServerFixture.json(r.body());
        assertEquals(List.of("job_id", "job_type", "status", "data", "error", "requested_timestamp",
                "finished_timestamp", "sent_data", "aps_job_id", "result_url", "job_key", "metadata", "logs"),
                List.copyOf(job.keySet()));
        assertEquals("complete", job.get("status"));
        assertEquals(">hello", job.get("data"));
        assertNull(job.get("error"));
        assertEquals("hello", job.get("sent_data"));
        assertNull(job.get("aps_job_id"));
        assertTrue(r.body().contains("\"status\": \"complete\""), "json.dumps separators");
        String id = (String) job.get("job_id");
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        var again = c.job(id, (String) job.get("job_key"));
        assertFalse(again.containsKey("job_key"));
        assertFalse(again.containsKey("api_key"));
        parseCkan((String) again.get("requested_timestamp"));
        parseCkan((String) again.get("finished_timestamp"));
    }

    @Test
    void echoErrorsAreJobErrorsOrUnexpectedAndWarningsAreLogged() throws Exception {
        var bad = c.submit("/job", Map.of("job_type", "echo", "api_key", "k", "data", ">x"));
        assertEquals("error", bad.get("status"));
        assertEquals(Map.of("message", "Do not start message with >"), bad.get("error"));
        var crash = c.submit("/job", Map.of("job_type", "echo", "api_key", "k", "data", "#x"));
        assertEquals("error", crash.get("status"));
        String msg = (String) ((Map<?, ?>) crash.get("error")).get("message");
        assertTrue(msg.contains("serious exception"), msg);
        var warn = c.submit("/job", Map.of("job_type", "echo", "api_key", "k", "data", "&x"));
        assertEquals("complete", warn.get("status"));
        assertEquals(">&x", warn.get("data"));
        var logs = (List<?>) warn.get("logs");
        assertEquals(1, logs.size());
        var log = (Map<?, ?>) logs.get(0);
        assertEquals(List.of("timestamp", "message", "level", "module", "funcName", "lineno"), List.copyOf(log.keySet()));
        assertEquals("WARNING", log.get("level"));
        assertEquals("just a warning", log.get("message"));
        assertEquals("JobExamples", log.get("module"), "the calling class");
        parseCkan((String) log.get("timestamp"));
    }

    @Test
    void jobErrorDetailsAreKeptBesideTheMessage() throws Exception {
        var j = c.submit("/job", Map.of("job_type", "detailed", "api_key", "k"));
        var err = (Map<?, ?>) j.get("error");
        assertEquals("HTTP error", err.get("message"));
        assertEquals(404, err.get("HTTP status code"));
        assertEquals("http://x/", err.get("Requested URL"));
    }

    @Test
    void asyncSleepAnswersPendingThenCompletes() throws Exception {
        var j = c.submit("/job", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0.2)));
        assertEquals("pending", j.get("status"));
        assertTrue(((String) j.get("aps_job_id")).matches("[0-9a-f]{32}"));
        var done = c.awaitDone((String) j.get("job_id"), (String) j.get("job_key"));
        assertEquals("complete", done.get("status"));
        assertEquals("Slept for 0.2 seconds.", done.get("data"));
        var noTime = c.submit("/job", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of()));
        var failed = c.awaitDone((String) noTime.get("job_id"), (String) noTime.get("job_key"));
        assertEquals("error", failed.get("status"));
        assertEquals(Map.of("message", "time not in input"), failed.get("error"));
        assertEquals(Map.of(), failed.get("sent_data"), "falsy data becomes {}");
    }

    @Test
    void rawJobStreamsItsBodyWithoutAKey() throws Exception {
        var r = c.post("/job/rawjob", Map.of("job_type", "raw_echo", "api_key", "k", "data", "abc"));
        assertEquals(200, r.statusCode());
        assertEquals("raw:abc", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        var login = c.login();
        var job = ServerFixture.json(c.get("/job/rawjob", "Cookie", login).body());
        assertEquals("complete", job.get("status"));
        assertNull(job.get("data"));
    }

    @Test
    void logsComeOldestFirstOrTheNewestNWithLimit() throws Exception {
        var j = c.submit("/job/chatty1", Map.of("job_type", "chatty", "api_key", "k"));
        String key = (String) j.get("job_key");
        assertEquals(5, ((List<?>) j.get("logs")).size());
        var all = (List<?>) c.job("chatty1", key).get("logs");
        assertEquals("line 0", ((Map<?, ?>) all.get(0)).get("message"));
        assertEquals("DEBUG", ((Map<?, ?>) all.get(1)).get("level"));
        var two = (List<?>) ServerFixture.json(c.get("/job/chatty1?limit=2", "Authorization", key).body()).get("logs");
        assertEquals(2, two.size());
        assertEquals("line 4", ((Map<?, ?>) two.get(0)).get("message"));
        assertEquals("line 3", ((Map<?, ?>) two.get(1)).get("message"));
        var junk = (List<?>) ServerFixture.json(c.get("/job/chatty1?limit=x", "Authorization", key).body()).get("logs");
        assertEquals(5, junk.size());
    }

    @Test
    void anHtmlResultIsSandboxedAndAnyMimetypeStillGetsItsResponse() throws Exception {
        var html = c.submit("/job/html1", Map.of("job_type", "echo", "api_key", "k", "data", "<script>x()</script>"));
        var r = c.get("/job/html1/data", "Authorization", (String) html.get("job_key"));
        assertEquals(200, r.statusCode());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("sandbox", r.headers().firstValue("Content-Security-Policy").orElse(null));
        var odd = c.submit("/job/mime1", Map.of("job_type", "echo", "api_key", "k", "data", "d",
                "metadata", Map.of("mimetype", "text/plain; name=数据\r\nX-Evil: 1")));
        var r2 = c.get("/job/mime1/data", "Authorization", (String) odd.get("job_key"));
        assertEquals(200, r2.statusCode(), "a mimetype outside Latin-1 or with a line break still gets a response");
        assertEquals(">d", r2.body());
        assertTrue(r2.headers().firstValue("X-Evil").isEmpty(), "no header can be injected");
    }

    @Test
    void dataServesTheResultTypedByMetadataMimetype() throws Exception {
        var s = c.submit("/job/data1", Map.of("job_type", "echo", "api_key", "k", "data", "a,b",
                "metadata", Map.of("mimetype", "text/csv")));
        var r = c.get("/job/data1/data", "Authorization", (String) s.get("job_key"));
        assertEquals(200, r.statusCode());
        assertEquals(">a,b", r.body());
        assertEquals("text/csv; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        var plain = c.submit("/job/data2", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
        var r2 = c.get("/job/data2/data", "Authorization", (String) plain.get("job_key"));
        assertEquals("text/html; charset=utf-8", r2.headers().firstValue("Content-Type").orElseThrow());
        var json = c.submit("/job/data3", Map.of("job_type", "chatty", "api_key", "k"));
        var r3 = c.get("/job/data3/data", "Authorization", (String) json.get("job_key"));
        assertEquals(Map.of("n", 5, "ok", true), ServerFixture.json(r3.body()));
        assertEquals("application/json", r3.headers().firstValue("Content-Type").orElseThrow());
        var bad = c.submit("/job/data4", Map.of("job_type", "echo", "api_key", "k", "data", ">x"));
        var r4 = c.get("/job/data4/data", "Authorization", (String) bad.get("job_key"));
        assertEquals(409, r4.statusCode());
        assertEquals("{\"error\": {\"message\": \"Do not start message with >\"}}", r4.body());
        var pending = c.submit("/job/data5", Map.of("job_type", "block", "api_key", "k"));
        var r5 = c.get("/job/data5/data", "Authorization", (String) pending.get("job_key"));
        assertEquals(200, r5.statusCode());
        assertEquals("", r5.body());
    }

    @SingleServer("a DELETE through one server of a job running on the other answers before that run ends (it ends at the other's next catch-up)")
    @Test
    void deleteRemovesTheJobItsMetadataAndLogsAndStopsARunningJob() throws Exception {
        var j = c.submit("/job/del1", Map.of("job_type", "chatty", "api_key", "k", "metadata", Map.of("a", "1")));
        String key = (String) j.get("job_key");
        var r = c.delete("/job/del1", "Authorization", key);
        assertEquals(200, r.statusCode());
        assertEquals("{\"success\": true}", r.body());
        assertEquals(404, c.get("/job/del1", "Authorization", key).statusCode());
        var again = c.submit("/job/del1", Map.of("job_type", "echo", "api_key", "k", "data", "z"));
        assertEquals(List.of(), again.get("logs"), "old logs do not come back");
        assertEquals(Map.of(), again.get("metadata"), "old metadata does not come back");

        var running = c.submit("/job/del2", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 60)));
        String k2 = (String) running.get("job_key");
        ServerFixture.await("sleep to start", Duration.ofSeconds(10), () -> fx.server.services().tasks().isActive("del2"));
        assertEquals(200, c.delete("/job/del2", "Authorization", k2).statusCode());
        assertFalse(fx.server.services().tasks().isActive("del2"));
        assertEquals(404, c.get("/job/del2", "Authorization", k2).statusCode());
    }

    @Test
    void submissionValuesAreStoredAsTheOriginalDoes() throws Exception {
        var j = c.submit("/job/vals", Map.of("job_type", "echo", "api_key", 42, "data", "d",
                "metadata", Map.of("n", 5, "s", "x"), "result_url", ""));
        assertEquals(Map.of("n", 5, "s", "x"), j.get("metadata"));
        assertEquals("", j.get("result_url"));
        assertEquals("complete", j.get("status"));
    }

    @Test
    void instantlyFinishingAsyncJobsNeverStayPending() throws Exception {
        // the original lost the result of a job that finished before its submit had saved the scheduler id
        var keys = new java.util.concurrent.ConcurrentHashMap<String, String>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                String id = "instant" + i;
                pool.submit(() -> keys.put(id, (String) c.submit("/job/" + id, Map.of("job_type", "sleep", "api_key", "k",
                        "data", Map.of("time", 0))).get("job_key")));
            }
        }
        assertEquals(40, keys.size());
        for (var e : keys.entrySet()) assertEquals("complete", c.awaitDone(e.getKey(), e.getValue()).get("status"));
    }

    @Test
    void concurrentSubmissionsOfOneIdCreateItOnce() throws Exception {
        var statuses = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                pool.submit(() -> statuses.add(c.post("/job/same", Map.of("job_type", "echo", "api_key", "k", "data", "x")).statusCode()));
            }
        }
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }

    static void parseCkan(String ts) {
        // CKAN: time.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f")
        assertTrue(ts != null && ts.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), ts);
        LocalDateTime.parse(ts, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS"));
    }
}
