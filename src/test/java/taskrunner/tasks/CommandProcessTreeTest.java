package taskrunner.tasks;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A command row's timeout, stop, or end leaves no process of its tree behind (a real server). */
class CommandProcessTreeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static ServerFixture fx;
    static KazooClient admin;
    /** {@code $0} is the row's marker: sh and both sleeps carry it as an argument. */
    static final String TASKS = """
                {"tasks": [
                  {"category": "tree", "action": "short", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & sleep \\"$0\\"; wait", "{m}"], "timeout_ms": 500},
                  {"category": "tree", "action": "long", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & sleep \\"$0\\"; wait", "{m}"], "timeout_ms": 600000},
                  {"category": "tree", "action": "leaves", "mandatory": ["m"],
                   "argv": ["sh", "-c", "sleep \\"$0\\" & echo started", "{m}"], "timeout_ms": 600000}
                ]}
                """;

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.withTasks(TASKS);
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private String output(String id) throws Exception {
        return admin.get(admin.tasksPath() + "/" + id + "/output").body();
    }

    /** Polls until sh and both sleeps are seen (true) or the task has finished (false). */
    private boolean seenWhileRunning(String id, String marker) throws Exception {
        boolean[] seen = {false};
        ServerFixture.await("the tree of " + id + " or its end", WAIT, () -> {
            if (MarkedProcesses.alive(marker).size() >= 3) return seen[0] = true;
            try {
                Object status = admin.task(id).get("status");
                return !"pending".equals(status) && !"executing".equals(status);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return seen[0];
    }

    @Test
    void aTimedOutRowLeavesNoProcessOfItsTreeEveryTime() throws Exception {
        int seen = 0;
        for (int i = 0; i < 5; i++) {
            String m = MarkedProcesses.newMarker();
            String id = admin.createCsv("tree", "short", "m\n" + m + "\n");
            admin.start(id);
            if (seenWhileRunning(id, m)) seen++;
            assertEquals("failure", admin.awaitFinished(id, WAIT).get("status"));
            assertTrue(output(id).contains("timed out after 500 ms"), output(id));
            MarkedProcesses.awaitNone(m, WAIT);
        }
        assertTrue(seen > 0, "the tree was seen running in at least one round (each round checks the end either way)");
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
    void aServerShutdownEndsTheTreesOfRunningRows() throws Exception {
        String m = MarkedProcesses.newMarker();
        try (var own = ServerFixture.withTasks(TASKS)) {
            var client = KazooClient.admin(own);
            String id = client.createCsv("tree", "long", "m\n" + m + "\n");
            client.start(id);
            MarkedProcesses.awaitAtLeast(m, 3, WAIT);
        }
        MarkedProcesses.awaitNone(m, WAIT);
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
