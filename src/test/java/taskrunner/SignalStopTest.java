package taskrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SIGTERM (what systemd and {@code kill} send; Ctrl-C is SIGINT and goes the same way) ends
 * the server with exit status 0 and one line {@code taskrunner stopped}; a task running then
 * keeps its state and finishes after the next start on the same directory.
 */
class SignalStopTest {
    @Test
    void sigtermEndsWithStatusZeroAndOneLineAndTheNextStartResumes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String id;
        try (ChildServer s = ChildServer.start(data)) {
            var admin = KazooClient.admin(s);
            var csv = new StringBuilder("ms\n");
            for (int i = 0; i < 20; i++) csv.append("100\n");
            id = admin.createCsv("examples", "sleep", csv.toString());
            admin.start(id);
            ServerFixture.await("the task to run", Duration.ofSeconds(20), () -> {
                try {
                    return "executing".equals(admin.task(id).get("status"));
                } catch (Exception e) {
                    return false;
                }
            });

            assertEquals(0, s.terminate(), s.output());
            assertTrue(s.output().endsWith("taskrunner stopped\n"), s.output());
            assertEquals(1, s.output().split("taskrunner stopped", -1).length - 1, s.output());
        }
        try (ChildServer again = ChildServer.start(data)) {
            var t = KazooClient.admin(again).awaitFinished(id, Duration.ofSeconds(30));
            assertEquals("success", t.get("status"), t.toString());
            assertEquals(0, again.terminate());
        }
    }
}
