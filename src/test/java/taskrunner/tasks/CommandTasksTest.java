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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CommandTasksTest {
    static ServerFixture fx;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.withTasks("""
                {"tasks": [
                  {"category": "shell", "action": "greet", "description": "Say hello",
                   "mandatory": ["name"], "optional": ["greeting"],
                   "argv": ["printf", "%s, %s", "{greeting}", "{name}"], "timeout_ms": 5000},
                  {"category": "shell", "action": "env", "mandatory": ["x"],
                   "argv": ["sh", "-c", "echo $TASK_X; echo oops >&2; exit $TASK_X"], "timeout_ms": 5000},
                  {"category": "shell", "action": "slow", "mandatory": ["s"],
                   "argv": ["sleep", "{s}"], "timeout_ms": 300},
                  {"category": "shell", "action": "date", "no_input": true, "argv": ["echo", "today"]},
                  {"category": "shell", "action": "environment", "no_input": true, "argv": ["env"], "env": {"MINE": "1"}}
                ]}
                """);
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private String run(String action, String csv) throws Exception {
        String id = admin.createCsv("shell", action, csv);
        admin.start(id);
        admin.awaitFinished(id, Duration.ofSeconds(20));
        return id;
    }

    @Test
    @SuppressWarnings("unchecked")
    void declaredCommandsAppearInHelpWithTheirFields() throws Exception {
        var tasks = (Map<String, Object>) KazooClient.data(admin.get("/v2/tasks?category=shell")).get("tasks");
        var greet = (Map<String, Object>) ((Map<String, Object>) tasks.get("shell")).get("greet");
        assertEquals("Say hello", greet.get("description"));
        assertEquals(List.of("name"), greet.get("mandatory"));
        assertEquals(List.of("greeting"), greet.get("optional"));
    }

    @Test
    void rowValuesBecomeWholeArgumentsWithoutAShell() throws Exception {
        String id = run("greet", "name,greeting\nworld,hello\n\"$(touch /tmp/pwned); x\",hi\n");
        String out = admin.get(admin.tasksPath() + "/" + id + "/output").body();
        assertEquals("\"name\",\"greeting\",\"exit_code\",\"stdout\",\"stderr\",\"error\"\n"
                + "\"world\",\"hello\",\"0\",\"hello, world\",\"\",\n"
                + "\"$(touch /tmp/pwned); x\",\"hi\",\"0\",\"hi, $(touch /tmp/pwned); x\",\"\",\n", out);
        assertEquals("success", admin.task(id).get("status"));
    }

    @Test
    void aNonZeroExitIsAFailedRowWithItsOutput() throws Exception {
        String id = run("env", "x\n0\n3\n");
        var t = admin.task(id);
        assertEquals("partial", t.get("status"));
        assertEquals(1, t.get("failure_count"));
        String out = admin.get(admin.tasksPath() + "/" + id + "/output").body();
        assertTrue(out.contains("\"3\",\"3\",\"3\",\"oops\",\"exit code 3\"\n"), out);
        assertTrue(out.contains("\"0\",\"0\",\"0\",\"oops\",\n"), out);
    }

    @Test
    void aRowPastItsTimeoutIsKilledAndFails() throws Exception {
        long t0 = System.nanoTime();
        String id = run("slow", "s\n30\n");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "killed, not waited for");
        assertEquals("failure", admin.task(id).get("status"));
        assertTrue(admin.get(admin.tasksPath() + "/" + id + "/output").body().contains("timed out after 300 ms"));
    }

    /** Creates, runs and awaits a no-input command task; returns its output CSV. */
    private String runNoInput(String action) throws Exception {
        var r = admin.send("PUT", admin.tasksPath() + "?category=shell&action=" + action, null, null);
        String id = (String) KazooClient.readOnly(r).get("id");
        admin.start(id);
        admin.awaitFinished(id, Duration.ofSeconds(10));
        return admin.get(admin.tasksPath() + "/" + id + "/output").body();
    }

    @Test
    void aNoInputCommandWritesOneRow() throws Exception {
        assertEquals("\"exit_code\",\"stdout\",\"stderr\",\"error\"\n\"0\",\"today\",\"\",\n", runNoInput("date"));
    }

    @Test
    void aProgramGetsACleanEnvironmentNotTheServers() throws Exception {
        String out = runNoInput("environment");
        var rows = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().get().parse(new java.io.StringReader(out)).getRecords();
        var names = new java.util.TreeSet<String>();
        for (String line : rows.get(0).get("stdout").split("\n")) names.add(line.substring(0, line.indexOf('=')));
        assertTrue(names.contains("PATH") && names.contains("MINE"), names.toString());
        names.removeAll(List.of("PATH", "LANG", "MINE"));
        assertEquals(java.util.Set.of(), names, "nothing of the server's environment but PATH and LANG: " + out);
    }

    @Test
    void aBrokenTasksFileIsRefusedWithItsReason() throws Exception {
        Path bad = Files.createTempFile("bad", ".json");
        try {
            Files.writeString(bad, "{\"tasks\":[{\"category\":\"x\",\"action\":\"y\",\"argv\":[]}]}");
            var e = assertThrows(IOException.class, () -> CommandTasks.load(bad));
            assertTrue(e.getMessage().contains("argv"));
            Files.writeString(bad, "{nope");
            assertThrows(IOException.class, () -> CommandTasks.load(bad));
        } finally {
            Files.deleteIfExists(bad);
        }
    }
}
