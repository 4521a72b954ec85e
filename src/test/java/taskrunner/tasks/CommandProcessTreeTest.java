package taskrunner.tasks;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A command row's timeout, stop, or end leaves no process of its tree behind (a real server). */
class CommandProcessTreeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static ServerFixture fx;
    static KazooClient admin;
    static Path tasksFile;

    @BeforeAll
    static void start() throws Exception {
        // $0 is the row's marker: sh and both sleeps carry it as an argument
        tasksFile = Files.createTempFile("tasks", ".json");
        Files.writeString(tasksFile, """
                {"tasks": [
                  {"category": "tree", "action": "short", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & sleep \\"$0\\"; wait", "{m}"], "timeout_ms": 500},
                  {"category": "tree", "action": "long", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & sleep \\"$0\\"; wait", "{m}"], "timeout_ms": 600000},
                  {"category": "tree", "action": "leaves", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & echo started", "{m}"], "timeout_ms": 600000}
                ]}
                """);
        fx = new ServerFixture(b -> {
            try {
                b.tasksFile(tasksFile);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
        Files.deleteIfExists(tasksFile);
    }

    private String output(String id) throws Exception {
        return admin.get(admin.tasksPath() + "/" + id + "/output").body();
    }

    @Test
    void aTimedOutRowLeavesNoProcessOfItsTreeEveryTime() throws Exception {
        int seen = 0;
        for (int i = 0; i < 5; i++) {
            String m = MarkedProcesses.newMarker();
            String id = admin.createCsv("tree", "short", "m\n" + m + "\n");
            admin.start(id);
            // the tree is seen when this poll catches it inside its 500 ms; the check below holds either way
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end && MarkedProcesses.alive(m).size() < 3 && "executing pending".contains(String.valueOf(admin.task(id).get("status")))) {
                Thread.sleep(10);
            }
            if (MarkedProcesses.alive(m).size() >= 3) seen++;
            assertEquals("failure", admin.awaitFinished(id, WAIT).get("status"));
            assertTrue(output(id).contains("timed out after 500 ms"), output(id));
            MarkedProcesses.awaitNone(m, WAIT);
        }
        assertTrue(seen > 0, "the tree ran in at least one round");
    }

    @Test
    void aStoppedCommandTaskLeavesNoProcessOfItsTree() throws Exception {
        String m = MarkedProcesses.newMarker();
        String id = admin.createCsv("tree", "long", "m\n" + m + "\n");
        admin.start(id);
        MarkedProcesses.awaitAtLeast(m, 3, WAIT); // sh and both sleeps
        var r = admin.send("PATCH", admin.tasksPath() + "/" + id + "/stop", null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("stopped", KazooClient.readOnly(r).get("status"));
        MarkedProcesses.awaitNone(m, WAIT);
        assertEquals("stopped", admin.task(id).get("status"));
    }

    @Test
    void whatARowLeavesRunningInTheBackgroundEndsWithTheRow() throws Exception {
        assumeTrue(ProcessTree.ownSessions(), "without setsid a background process of an exited row cannot be found");
        String m = MarkedProcesses.newMarker();
        // the sleep holds stdout open after sh exits: the row ends only as the sleep is killed
        String id = admin.createCsv("tree", "leaves", "m\n" + m + "\n");
        admin.start(id);
        assertEquals("success", admin.awaitFinished(id, WAIT).get("status"));
        assertEquals("\"m\",\"exit_code\",\"stdout\",\"stderr\",\"error\"\n\"" + m + "\",\"0\",\"started\",\"\",\n", output(id));
        MarkedProcesses.awaitNone(m, WAIT);
    }
}
