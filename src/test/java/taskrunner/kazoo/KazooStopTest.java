package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KazooStopTest {
    static ServerFixture fx;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void stopEndsASleepingTaskWithinAHundredMillisecondsAndKeepsItsPartialOutput() throws Exception {
        String id = admin.createCsv("examples", "sleep", "ms\n1\n1\n60000\n60000\n");
        admin.start(id);
        ServerFixture.await("two rows done", Duration.ofSeconds(10), () -> {
            try {
                return admin.task(id).get("success_count") instanceof Number n && n.intValue() == 2;
            } catch (Exception e) {
                return false;
            }
        });
        var executing = admin.task(id);
        assertEquals("executing", executing.get("status"), "counters are visible while executing");

        long t0 = System.nanoTime();
        var r = admin.send("PATCH", admin.tasksPath() + "/" + id + "/stop", null, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.body());
        var stopped = KazooClient.readOnly(r);
        assertEquals("stopped", stopped.get("status"));
        assertNotNull(stopped.get("end_timestamp"));
        assertTrue(ms < 100, "stop took " + ms + " ms");

        var detail = admin.task(id);
        assertEquals("stopped", detail.get("status"));
        assertEquals(2, detail.get("success_count"));
        assertEquals("\"ms\",\"error\"\n\"1\",\n\"1\",\n", admin.get(admin.tasksPath() + "/" + id + "/output").body());

        // stopped is final
        var again = admin.send("PATCH", admin.tasksPath() + "/" + id, null, null);
        assertEquals(404, again.statusCode());
        assertEquals("task already started", ((Map<?, ?>) KazooClient.data(again)).get("reason"));
        var stopAgain = admin.send("PATCH", admin.tasksPath() + "/" + id + "/stop", null, null);
        assertEquals("task is not running", ((Map<?, ?>) KazooClient.data(stopAgain)).get("reason"));
    }

    @Test
    void aRunningTaskCannotBeDeletedAndAPendingOneCannotBeStopped() throws Exception {
        String pending = admin.createCsv("examples", "sleep", "ms\n60000\n");
        var r = admin.send("PATCH", admin.tasksPath() + "/" + pending + "/stop", null, null);
        assertEquals(404, r.statusCode());
        assertEquals("task is not running", KazooClient.data(r).get("reason"));

        admin.start(pending);
        r = admin.send("DELETE", admin.tasksPath() + "/" + pending, null, null);
        assertEquals(404, r.statusCode());
        assertEquals("bad_identifier", ServerFixture.json(r.body()).get("message"));
        assertEquals(Map.of("cause", pending, "message", "bad identifier"), KazooClient.data(r));
        assertEquals(200, admin.send("PATCH", admin.tasksPath() + "/" + pending + "/stop", null, null).statusCode());
        assertEquals(200, admin.send("DELETE", admin.tasksPath() + "/" + pending, null, null).statusCode());
    }

    @Test
    void failedRowsCountAndCarryTheirReason() throws Exception {
        String id = admin.createCsv("examples", "sleep", "ms\n1\nabc\n2\n");
        admin.start(id);
        var done = admin.awaitFinished(id, Duration.ofSeconds(10));
        assertEquals("partial", done.get("status"));
        assertEquals(2, done.get("success_count"));
        assertEquals(1, done.get("failure_count"));
        assertEquals("\"ms\",\"error\"\n\"1\",\n\"abc\",\"ms is not a whole number\"\n\"2\",\n",
                admin.get(admin.tasksPath() + "/" + id + "/output").body());
    }
}
