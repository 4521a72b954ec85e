package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * result_url callbacks against receivers started here: body and credential headers, 200
 * versus other statuses, retries, a refused port, a receiver that never answers.
 */
class CkanCallbackTest {
    static ServerFixture fx;
    static CkanClient c;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.ckanCallbackTimeoutMs(500).ckanCallbackAttempts(3).ckanCallbackBackoffMs(20)));
        c = new CkanClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Map<String, Object> awaitCallbackRecorded(String id, String key) throws Exception {
        ServerFixture.await("callback of " + id + " to be recorded", Duration.ofSeconds(20), () -> {
            var j = CkanJob.of(fx.task(id));
            return j != null && !j.owesCallback() && j.task().state().finished();
        });
        return c.job(id, key);
    }

    @Test
    void anAsyncJobPostsItsDictWithKeyAndAuthorization() throws Exception {
        try (var rx = new CallbackReceiver()) {
            var j = c.submit("/job/cb1", Map.of("job_type", "sleep", "api_key", "secret-token", "data", Map.of("time", 0),
                    "result_url", rx.url("/hook"), "metadata", Map.of("resource_id", "r1")));
            ServerFixture.await("callback", Duration.ofSeconds(10), () -> rx.at("/hook").size() == 1);
            var got = rx.at("/hook").get(0);
            assertEquals("secret-token", got.header("Authorization"));
            assertEquals("application/json", got.header("Content-Type"));
            var body = ServerFixture.json(got.body());
            assertEquals("cb1", body.get("job_id"));
            assertEquals("complete", body.get("status"));
            assertEquals(j.get("job_key"), body.get("job_key"));
            assertFalse(body.containsKey("api_key"));
            assertEquals(Map.of("resource_id", "r1"), body.get("metadata"));
            assertNotNull(body.get("finished_timestamp"));
            var after = awaitCallbackRecorded("cb1", (String) j.get("job_key"));
            assertNull(after.get("error"));
            assertNull(CkanJob.of(fx.task("cb1")).apiKey(), "api_key erased after use");
        }
    }

    @Test
    void anApiKeyWithOneColonIsAHeaderAndValue() throws Exception {
        try (var rx = new CallbackReceiver()) {
            c.submit("/job/cb2", Map.of("job_type", "echo", "api_key", "X-CKAN-API-Key:abc", "data", "x",
                    "result_url", rx.url("/h")));
            var got = rx.at("/h").get(0); // a sync job's POST answers after its callback
            assertEquals("abc", got.header("X-CKAN-API-Key"));
            assertNull(got.header("Authorization"));
        }
    }

    @Test
    void aNon200AnswerIsAFailureRecordedWithoutChangingTheStatus() throws Exception {
        try (var rx = new CallbackReceiver()) {
            rx.status.set(201);
            var sync = c.submit("/job/cb3", Map.of("job_type", "echo", "api_key", "k", "data", "x", "result_url", rx.url("/h")));
            assertEquals("complete", sync.get("status"));
            assertEquals(Map.of("message", CkanCallbacks.FAILURE), sync.get("error"), "the sync answer already shows it");
            assertEquals(1, rx.at("/h").size(), "a 201 is final, not retried");
            rx.status.set(409);
            var failed = c.submit("/job/cb4", Map.of("job_type", "echo", "api_key", "k", "data", ">x", "result_url", rx.url("/h")));
            assertEquals("error", failed.get("status"));
            assertEquals(Map.of("message", CkanCallbacks.FAILURE), failed.get("error"), "overwrites the job's own error");
            var sent = ServerFixture.json(rx.at("/h").get(1).body());
            assertEquals(Map.of("message", "Do not start message with >"), sent.get("error"), "the body carried the job's error");
            var data = c.get("/job/cb3/data", "Authorization", (String) sync.get("job_key"));
            assertEquals(409, data.statusCode());
        }
    }

    @Test
    void serverErrorsAreRetriedUntilA200() throws Exception {
        try (var rx = new CallbackReceiver()) {
            var n = new AtomicInteger();
            rx.statuses = () -> n.incrementAndGet() < 3 ? 503 : 200;
            var j = c.submit("/job/cb5", Map.of("job_type", "echo", "api_key", "k", "data", "x", "result_url", rx.url("/h")));
            assertEquals(3, rx.at("/h").size());
            assertNull(j.get("error"));
        }
    }

    @Test
    void aRefusedPortIsAFailureAfterRetries() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var j = c.submit("/job/cb6", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0),
                "result_url", "http://127.0.0.1:" + port + "/h"));
        var after = awaitCallbackRecorded("cb6", (String) j.get("job_key"));
        assertEquals("complete", after.get("status"));
        assertEquals(Map.of("message", CkanCallbacks.FAILURE), after.get("error"));
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndBlocksNoOtherJob() throws Exception {
        try (var hang = new CallbackReceiver(); var ok = new CallbackReceiver()) {
            hang.hang = true;
            var stuck = c.submit("/job/cb7", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0),
                    "result_url", hang.url("/h")));
            ServerFixture.await("the hanging receiver to be called", Duration.ofSeconds(10), () -> hang.received.size() == 1);
            // meanwhile other jobs finish and call back
            for (int i = 0; i < 3; i++) {
                c.submit("/job/cb8-" + i, Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0), "result_url", ok.url("/h")));
            }
            ServerFixture.await("the other callbacks", Duration.ofSeconds(10), () -> ok.received.size() == 3);
            assertEquals(CkanJobState.Callback.PENDING, CkanJob.of(fx.task("cb7")).callback());
            var after = awaitCallbackRecorded("cb7", (String) stuck.get("job_key"));
            assertEquals("complete", after.get("status"));
            assertEquals(Map.of("message", CkanCallbacks.FAILURE), after.get("error"));
            assertEquals(3, hang.received.size(), "each timed-out attempt was retried");
        }
    }

    @Test
    void noResultUrlMeansNoCallbackAndTheApiKeyGoesAtOnce() throws Exception {
        var j = c.submit("/job/cb9", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
        assertNull(j.get("error"));
        assertNull(CkanJob.of(fx.task("cb9")).apiKey());
        var bad = c.submit("/job/cb10", Map.of("job_type", "echo", "api_key", "k", "data", "x", "result_url", "httpfoo"));
        assertEquals(Map.of("message", CkanCallbacks.FAILURE), bad.get("error"), "an unusable URL is a callback failure, not a 500");
    }
}
