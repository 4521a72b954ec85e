package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stop, tried the way a user hits it, 20 times per situation against a server in its own
 * JVM: whatever moment the stop lands on, the task ends {@code stopped} with the output of
 * the rows done so far readable, and after a kill -9 and a restart it is still stopped
 * with the same output.
 */
@TestMethodOrder(MethodOrderer.MethodName.class) // the restart check runs last
@SingleServer("runs servers as child processes on a data directory (kill, restart), not a ServerFixture")
class KazooStopLoopTest {
    static final int TIMES = 20;
    static final String MARKER = "37.0" + ProcessHandle.current().pid();
    static Path tasksFile;
    /** Default settings. */
    static Server plain;
    /** Checkpoints after every row. */
    static Server checkpointing;
    static KazooClient admin;
    /** Every stopped task and the output it answered right after its stop, per server. */
    static final Map<Server, Map<String, String>> stoppedOutputs = new LinkedHashMap<>();

    /** A server in its own JVM on its own data directory, started with {@code args}. */
    static final class Server {
        final Path data;
        final String[] args;
        ChildServer child;
        KazooClient admin;

        Server(String... args) throws Exception {
            this.data = Files.createTempDirectory("stop-loop");
            this.args = args;
            start();
        }

        void start() throws Exception {
            var all = new ArrayList<>(List.of("--tasks", tasksFile.toString(), "--max-running", "3"));
            all.addAll(List.of(args));
            child = ChildServer.start(data, all.toArray(String[]::new));
            admin = KazooClient.admin(child);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        tasksFile = Files.createTempFile("stop-loop-tasks", ".json");
        Files.writeString(tasksFile, """
                {"tasks": [
                  {"category": "shell", "action": "tree", "mandatory": ["n"],
                   "argv": ["sh", "-c", "sleep %s & sleep %s; wait", "{n}"], "timeout_ms": 60000}
                ]}
                """.formatted(MARKER, MARKER));
        plain = new Server();
        checkpointing = new Server("--checkpoint-rows", "1");
        on(plain);
    }

    /** Points {@link #admin} (and the stops) at one server. */
    static void on(Server s) {
        admin = s.admin;
        current = s;
    }

    static Server current;

    @AfterAll
    static void stop() throws Exception {
        for (Server s : new Server[] {plain, checkpointing}) if (s != null) s.child.kill();
        Files.deleteIfExists(tasksFile);
    }

    @Test
    void aCpuBoundRowTaskStoppedMidInputEndsStopped() throws Exception {
        String csv = csv("v", 200_000);
        for (int i = 0; i < TIMES; i++) {
            String id = admin.createCsv("examples", "echo", csv);
            admin.start(id);
            awaitRowsDone(id, 1);
            stopAndCheck(id);
        }
    }

    @Test
    void aTaskStoppedInItsFirstMillisecondsEndsStopped() throws Exception {
        String csv = csv("v", 50_000);
        for (int i = 0; i < TIMES; i++) {
            String id = admin.createCsv("examples", "echo", csv);
            admin.start(id);
            stopAndCheck(id);
        }
    }

    @Test
    void aGeneratorTaskStoppedMidwayEndsStopped() throws Exception {
        for (int i = 0; i < TIMES; i++) {
            String id = create("examples", "count");
            admin.start(id);
            awaitRowsDone(id, 1);
            var t = stopAndCheck(id);
            assertTrue(((Number) t.get("success_count")).intValue() < 10, "stopped before its tenth row: " + t);
        }
    }

    @Test
    void aCommandTaskStoppedWhileItsChildrenRunEndsStoppedAndLeavesNoProcess() throws Exception {
        for (int i = 0; i < TIMES; i++) {
            String id = admin.createCsv("shell", "tree", "n\n1\n2\n");
            admin.start(id);
            ServerFixture.await("the command's processes", Duration.ofSeconds(10), () -> treeProcesses().size() >= 2);
            var t = stopAndCheck(id);
            assertEquals(0, ((Number) t.get("success_count")).intValue() + ((Number) t.get("failure_count")).intValue());
            ServerFixture.await("no process of the stopped command's tree left", Duration.ofSeconds(10),
                    () -> treeProcesses().isEmpty());
        }
    }

    @Test
    void aQueuedTaskStoppedBeforeItGotASlotEndsStopped() throws Exception {
        for (int i = 0; i < TIMES; i++) {
            var blockers = new ArrayList<String>();
            for (int b = 0; b < 3; b++) {
                String blocker = admin.createCsv("examples", "sleep", "ms\n600000\n");
                admin.start(blocker);
                blockers.add(blocker);
            }
            String queued = admin.createCsv("examples", "echo", "v\n1\n2\n");
            admin.start(queued);
            assertEquals("executing", admin.task(queued).get("status"), "started, waiting for a slot");
            var t = stopAndCheck(queued);
            assertEquals(0, ((Number) t.get("success_count")).intValue(), "it never ran a row");
            for (String b : blockers) stopAndCheck(b);
        }
    }

    @Test
    void aTaskStoppedWhileItWritesACheckpointEndsStopped() throws Exception {
        // This server checkpoints after every row: most of a row's time is its checkpoint
        // write (fsync of the output, then a journal line), so that is where stops land.
        on(checkpointing);
        try {
            String csv = csv("v", 20_000);
            for (int i = 0; i < TIMES; i++) {
                String id = admin.createCsv("examples", "echo", csv);
                admin.start(id);
                awaitRowsDone(id, 1);
                stopAndCheck(id);
            }
        } finally {
            on(plain);
        }
    }

    @Test
    void zStoppedTasksStayStoppedWithTheirOutputAfterAKillAndARestart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!stoppedOutputs.isEmpty(), "runs after the stop tests");
        for (var byServer : stoppedOutputs.entrySet()) {
            Server s = byServer.getKey();
            s.child.kill();
            s.start();
            on(s);
            for (var e : byServer.getValue().entrySet()) {
                var t = admin.task(e.getKey());
                assertEquals("stopped", t.get("status"), "after a restart: " + t);
                assertEquals(e.getValue(), output(e.getKey()), "output of " + e.getKey() + " after a restart");
            }
        }
        on(plain);
    }

    /** Stops the task and checks: stopped, every counted row in the readable output, nothing else. */
    private static Map<String, Object> stopAndCheck(String id) throws Exception {
        var r = admin.send("PATCH", admin.tasksPath() + "/" + id + "/stop", null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("stopped", KazooClient.readOnly(r).get("status"), r.body());
        var t = awaitOutput(id);
        assertEquals("stopped", t.get("status"), t.toString());
        long rows = ((Number) t.get("success_count")).longValue() + ((Number) t.get("failure_count")).longValue();
        String out = output(id);
        assertEquals(rows + 1, out.lines().count(), "header plus one line per row done: " + t);
        stoppedOutputs.computeIfAbsent(current, k -> new LinkedHashMap<>()).put(id, out);
        return t;
    }

    /** The stop answers once STOPPED is durable; the partial output follows when the run has ended. */
    private static Map<String, Object> awaitOutput(String id) throws Exception {
        Map<String, Object>[] last = new Map[1];
        ServerFixture.await("the stopped task's output", Duration.ofSeconds(10), () -> {
            try {
                last[0] = admin.task(id);
                return last[0].get("csvs") instanceof List<?> l && l.contains("out.csv")
                        && last[0].get("success_count") != null;
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    private static String output(String id) throws Exception {
        HttpResponse<String> r = admin.get(admin.tasksPath() + "/" + id + "/output");
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void awaitRowsDone(String id, long n) throws InterruptedException {
        ServerFixture.await(n + " rows of " + id, Duration.ofSeconds(20), rowsAtLeast(id, n));
    }

    private static Supplier<Boolean> rowsAtLeast(String id, long n) {
        return () -> {
            try {
                return admin.task(id).get("success_count") instanceof Number c && c.longValue() >= n;
            } catch (Exception e) {
                return false;
            }
        };
    }

    private static String create(String category, String action) throws Exception {
        var r = admin.send("PUT", admin.tasksPath() + "?category=" + category + "&action=" + action, null, null);
        if (r.statusCode() != 201) throw new AssertionError("create failed: " + r.statusCode() + " " + r.body());
        return (String) KazooClient.readOnly(r).get("id");
    }

    private static String csv(String column, int rows) {
        var sb = new StringBuilder(column).append('\n');
        for (int i = 0; i < rows; i++) sb.append(1).append('\n');
        return sb.toString();
    }

    /** Processes of the command task's tree, found by the marker in their arguments. */
    private static List<ProcessHandle> treeProcesses() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(MARKER)).orElse(false))
                .toList();
    }
}
