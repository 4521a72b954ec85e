package taskrunner.kazoo;

import org.junit.jupiter.api.Test;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.SingleServer;

import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** A start the server cannot take (its queue is full) is refused with 503 and changes nothing. */
@SingleServer("runs servers as child processes on a data directory (kill, restart), not a ServerFixture")
class KazooRefusedStartTest {
    @Test
    void aStartRefusedWith503LeavesTheTaskPendingAndItCanBeStartedLater() throws Exception {
        var data = Files.createTempDirectory("refused-start");
        try (var server = ChildServer.start(data, "--max-running", "1", "--max-queued", "1")) {
            var admin = KazooClient.admin(server);
            String running = admin.createCsv("examples", "sleep", "ms\n600000\n");
            String queued = admin.createCsv("examples", "sleep", "ms\n600000\n");
            String refused = admin.createCsv("examples", "echo", "v\n1\n2\n");
            admin.start(running);
            admin.start(queued);

            var r = admin.send("PATCH", admin.tasksPath() + "/" + refused, null, null);
            assertEquals(503, r.statusCode(), r.body());
            assertNotNull(r.headers().firstValue("Retry-After").orElse(null));
            var t = admin.task(refused);
            assertEquals("pending", t.get("status"), "a refused start leaves it as it was: " + t);
            assertNull(t.get("start_timestamp"), t.toString());

            server.kill(); // and a crash right after the refusal does not start it behind the client's back
            try (var again = ChildServer.start(data, "--max-running", "1", "--max-queued", "1")) {
                var a2 = KazooClient.admin(again);
                assertEquals("pending", a2.task(refused).get("status"));
                for (String id : new String[] {running, queued}) {
                    assertEquals(200, a2.send("PATCH", a2.tasksPath() + "/" + id + "/stop", null, null).statusCode());
                }
                a2.start(refused);
                var done = a2.awaitFinished(refused, Duration.ofSeconds(20));
                assertEquals("success", done.get("status"), done.toString());
                assertEquals(2, done.get("success_count"));
            }
        }
    }
}
