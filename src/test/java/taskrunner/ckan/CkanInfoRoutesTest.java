package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.core.JobTaskType;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** {@code /}, {@code /status}, framework errors (404, 405, trailing slash), HEAD, OPTIONS, 503. */
class CkanInfoRoutesTest {
    static ServerFixture fx;
    static CkanClient c;
    static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> {
            b.configure(c -> c.maxRunning(1).maxQueued(1));
            b.jobTask(new JobTaskType("hold", true, true, (data, ctx) -> {
                release.await();
                return "released";
            }));
        });
        c = new CkanClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        fx.close();
    }

    @Test
    void rootShowsTheHelpLink() throws Exception {
        var r = c.get("/");
        assertEquals(200, r.statusCode());
        assertEquals("{\"help\":\"\\n        Get help at:\\n        http://ckan-service-provider.readthedocs.org/.\"}\n", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void statusListsTypesAndCounts() throws Exception {
        var s = ServerFixture.json(c.get("/status").body());
        assertEquals(0.1, s.get("version"));
        assertEquals("taskrunner", s.get("name"));
        assertEquals(List.of("echo", "examples/count", "examples/echo", "examples/sleep", "hold", "sleep"), s.get("job_types"));
        var stats = (Map<?, ?>) s.get("stats");
        assertEquals(Map.of("complete", 0, "error", 0, "pending", 0).keySet(), stats.keySet());
        String body = c.get("/status").body();
        assertTrue(body.startsWith("{\"job_types\":["), "jsonify sorts keys: " + body);
    }

    @Test
    void frameworkErrorsAreWerkzeugHtml() throws Exception {
        var missing = c.get("/nothing-here");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().startsWith("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>"));
        assertEquals("text/html; charset=utf-8", missing.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(404, c.get("/status/").statusCode());
        assertEquals(404, c.get("/job/").statusCode());
        var put = fx.send(fx.request("/job").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, put.statusCode());
        assertTrue(put.body().contains("405 Method Not Allowed"));
        assertEquals("POST, GET, HEAD, OPTIONS, DELETE", put.headers().firstValue("Allow").orElseThrow());
        var postStatus = fx.send(fx.request("/status").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, postStatus.statusCode());
        assertEquals("GET, HEAD, OPTIONS", postStatus.headers().firstValue("Allow").orElseThrow());
        assertEquals(405, fx.send(fx.request("/logout").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void headAndOptionsWork() throws Exception {
        var head = fx.send(fx.request("/status").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        var options = fx.send(fx.request("/job/x").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, options.statusCode());
        assertEquals("POST, GET, HEAD, OPTIONS, DELETE", options.headers().firstValue("Allow").orElseThrow());
    }

    @SingleServer("the queue limit is each server's own (its Runner): the other server still has room")
    @Test
    void aFullQueueIs503JsonAndKeepsNoJob() throws Exception {
        // one runs, one waits; the third is refused
        c.submit("/job/q1", Map.of("job_type", "hold", "api_key", "k"));
        var runner = fx.server.services().tasks().runner();
        ServerFixture.await("q1 to run", java.time.Duration.ofSeconds(10), () -> runner.waiting() == 0
                && fx.server.services().tasks().isActive("q1"));
        var second = c.submit("/job/q2", Map.of("job_type", "hold", "api_key", "k"));
        var r = c.post("/job/q3", Map.of("job_type", "hold", "api_key", "k"));
        assertEquals(503, r.statusCode());
        assertEquals("{\"error\": \"the task queue is full\"}", r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        var login = c.login();
        assertEquals(404, c.get("/job/q3", "Cookie", login).statusCode());
        release.countDown();
        var done = c.awaitDone("q2", (String) second.get("job_key"));
        assertEquals("released", done.get("data"), "a queued job waits for a slot instead of failing");
    }
}
