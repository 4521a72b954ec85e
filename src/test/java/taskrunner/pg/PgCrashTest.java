package taskrunner.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import taskrunner.support.ChildServer;
import taskrunner.support.FaceTasks;
import taskrunner.support.KazooClient;
import taskrunner.support.Postgres;
import taskrunner.support.ServerFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server on PostgreSQL killed as a crash would kill it (destroyForcibly) while it answers
 * creations and runs a row task: after a restart every acknowledged creation is there, and the
 * task resumes from its checkpoint with every row in its output exactly once.
 */
class PgCrashTest {
    @RegisterExtension
    static final Postgres pg = new Postgres();

    @Test
    void nothingAcknowledgedIsLostWhenTheServerIsKilled() throws Exception {
        String url = pg.newDatabase();
        Path data = Files.createTempDirectory("pg-crash");
        String[] flags = {"--postgres", url, "--node", "node-a", "--row-delay-ms", "20", "--checkpoint-rows", "10"};
        var acked = ConcurrentHashMap.<String>newKeySet();
        String running;
        String account;
        try (var a = ChildServer.start(data, flags)) {
            var admin = KazooClient.admin(a);
            account = admin.accountId;
            running = admin.createCsv("examples", "echo", FaceTasks.csv(200)); // 200 rows of 20 ms: 4 s
            admin.start(running);
            var stop = new AtomicBoolean();
            var writers = new ArrayList<Thread>();
            for (int w = 0; w < 4; w++) {
                writers.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            var r = admin.send("PUT", admin.tasksPath() + "?category=examples&action=echo", "text/csv",
                                    FaceTasks.csv(1));
                            if (r.statusCode() == 201) acked.add((String) KazooClient.readOnly(r).get("id"));
                        } catch (Exception e) {
                            return; // the server is gone
                        }
                    }
                }));
            }
            ServerFixture.await("100 acknowledged creations", Duration.ofSeconds(30), () -> acked.size() >= 100);
            ServerFixture.await("the row task to pass a checkpoint", Duration.ofSeconds(10), () -> {
                try {
                    return ((Number) admin.task(running).get("success_count")).intValue() >= 20;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            a.kill();
            stop.set(true);
            for (Thread t : writers) t.join(Duration.ofSeconds(30));
        }
        Set<String> before = Set.copyOf(acked);
        try (var again = ChildServer.start(data, flags)) {
            var admin = KazooClient.admin(again);
            assertEquals(account, admin.accountId);
            for (String id : before) assertEquals("pending", admin.task(id).get("status"), id);
            var done = admin.awaitFinished(running, Duration.ofSeconds(30));
            assertEquals("success", done.get("status"), done.toString());
            var out = admin.get(admin.tasksPath() + "/" + running + "/output", "text/csv");
            assertEquals(200, out.statusCode(), out.body());
            List<String> rows = out.body().lines().filter(l -> l.contains("row-")).toList();
            assertEquals(200, rows.size(), "each row once: " + out.body());
            assertEquals(200, Set.copyOf(rows).size());
            assertTrue(rows.get(199).contains("row-0000199"), rows.get(199));
        }
    }
}
