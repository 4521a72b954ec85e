package taskrunner.ckan;

import org.junit.jupiter.api.Test;
import taskrunner.core.JobTaskType;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * After a restart: queued jobs run, a running job runs again if its type is rerun-safe and
 * otherwise ends as an error saying it was interrupted; none stays pending.
 */
class CkanRestartTest {
    static final AtomicBoolean block = new AtomicBoolean(true);
    static final CountDownLatch never = new CountDownLatch(1);

    static JobTaskType blocking(String name, boolean rerunSafe) {
        return new JobTaskType(name, true, rerunSafe, (data, ctx) -> {
            if (block.get()) never.await();
            return "ran";
        });
    }

    @SingleServer("fills the run slots to keep jobs queued; slots are each server's own, so the other server runs them at once")
    @Test
    void queuedJobsRunAndRunningJobsRerunOrEndInterrupted() throws Exception {
        try (var fx = new ServerFixture(b -> {
            b.configure(c -> c.maxRunning(2).anonymousSlotsPercent(100)); // both anonymous jobs run at once
            b.jobTask(blocking("unsafe", false)).jobTask(blocking("safe", true));
        })) {
            var c = new CkanClient(fx);
            var keys = new HashMap<String, String>();
            keys.put("unsafe1", (String) c.submit("/job/unsafe1", Map.of("job_type", "unsafe", "api_key", "k")).get("job_key"));
            keys.put("safe1", (String) c.submit("/job/safe1", Map.of("job_type", "safe", "api_key", "k")).get("job_key"));
            var tasks = fx.server.services().tasks();
            ServerFixture.await("both to run", Duration.ofSeconds(10), () -> tasks.isActive("unsafe1") && tasks.isActive("safe1")
                    && tasks.runner().waiting() == 0);
            for (int i = 0; i < 3; i++) {
                keys.put("q" + i, (String) c.submit("/job/q" + i, Map.of("job_type", "sleep", "api_key", "k",
                        "data", Map.of("time", 0))).get("job_key"));
            }
            assertEquals("pending", c.job("q2", keys.get("q2")).get("status"));
            block.set(false);
            fx.restart();
            for (var e : keys.entrySet()) c.awaitDone(e.getKey(), e.getValue());
            var unsafe = c.job("unsafe1", keys.get("unsafe1"));
            assertEquals("error", unsafe.get("status"));
            assertTrue(((String) ((Map<?, ?>) unsafe.get("error")).get("message")).startsWith("Job interrupted"));
            assertEquals("ran", c.job("safe1", keys.get("safe1")).get("data"));
            for (int i = 0; i < 3; i++) assertEquals("complete", c.job("q" + i, keys.get("q" + i)).get("status"));
            assertEquals(0L + 0, ((Number) ((Map<?, ?>) ServerFixture.json(c.get("/status").body()).get("stats")).get("pending")).longValue());
        }
    }

    @Test
    void aCallbackOwedWhenTheServerStoppedIsSentAtTheNextStart() throws Exception {
        try (var rx = new CallbackReceiver();
             var fx = new ServerFixture(b -> b.configure(c -> c.ckanCallbackTimeoutMs(3000).ckanCallbackAttempts(1)))) {
            rx.hangFirst.set(1);
            var c = new CkanClient(fx);
            var j = c.submit("/job/owed", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0),
                    "result_url", rx.url("/hook")));
            ServerFixture.await("the first callback attempt", Duration.ofSeconds(10), () -> rx.received.size() == 1);
            fx.restart();
            ServerFixture.await("the callback to be sent again", Duration.ofSeconds(10), () -> rx.received.size() == 2);
            ServerFixture.await("it to be recorded", Duration.ofSeconds(10),
                    () -> CkanJob.of(fx.task("owed")).callback()
                            == CkanJobState.Callback.DONE);
            var body = ServerFixture.json(rx.received.get(1).body());
            assertEquals("complete", body.get("status"));
            assertTrue(body.containsKey("job_key"));
            assertNull(body.get("job_key"), "the raw key lived only in the old process");
            assertNull(c.job("owed", (String) j.get("job_key")).get("error"));
        }
    }
}
