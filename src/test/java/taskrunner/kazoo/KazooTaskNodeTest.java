package taskrunner.kazoo;

import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A started task names the node that runs it ({@code "node": "whistle_apps@qwd"} in the seed's
 * list and delete examples; Kazoo's {@code pvt_worker_node}): this server's
 * {@code taskrunner@<host>}, recorded with the start, so it is the same after a restart and a
 * task another node ran keeps that node's name.
 */
@SingleServer("expects the host-derived node name (the cluster's servers are named by --node), reads and appends to the journal file")
class KazooTaskNodeTest {
    static final String THIS_NODE = KazooEnvelope.NODE_NAME;

    @Test
    void aStartedTaskShowsItsNodeInEveryAnswerAndKeepsItAcrossARestart() throws Exception {
        try (var fx = new ServerFixture()) {
            var admin = KazooClient.admin(fx);
            String id = admin.createCsv("examples", "echo", "name\nann\n");
            assertFalse(admin.task(id).containsKey("node"), "a pending task ran nowhere yet");

            var started = admin.send("PATCH", admin.tasksPath() + "/" + id, null, null);
            assertEquals(THIS_NODE, KazooClient.readOnly(started).get("node"));
            assertTrue(THIS_NODE.startsWith("taskrunner@") && THIS_NODE.length() > "taskrunner@".length(), THIS_NODE);
            assertEquals(THIS_NODE, admin.awaitFinished(id, Duration.ofSeconds(10)).get("node"), "GET, as the seed's list shows");
            var list = admin.get(admin.tasksPath());
            @SuppressWarnings("unchecked")
            var items = (List<Map<String, Object>>) ServerFixture.json(list.body()).get("data");
            assertEquals(THIS_NODE, items.get(0).get("node"));
            assertTrue(Files.readString(fx.dataDir.resolve("journal.jsonl")).contains("\"node\":\"" + THIS_NODE + "\""),
                    "the node is part of the task's record, not made up when answering");

            fx.restart();
            admin = KazooClient.admin(fx);
            assertEquals(THIS_NODE, admin.task(id).get("node"));
            var deleted = admin.send("DELETE", admin.tasksPath() + "/" + id, null, null);
            assertEquals(THIS_NODE, KazooClient.readOnly(deleted).get("node"));
        }
    }

    @Test
    void tasksFromOtherNodesAndOlderJournalsKeepWhatTheyHad() throws Exception {
        try (var fx = new ServerFixture()) {
            String account = KazooClient.admin(fx).accountId;
            fx.server.close();
            var lines = new StringBuilder();
            lines.append(put(task("ranelsewhere", account, "DONE"), Map.of("node", "taskrunner@elsewhere")));
            lines.append(put(task("beforenodes", account, "DONE"), null));
            lines.append(put(task("resumedbefore", account, "DONE"), Map.of("resumed_after_row", 3)));
            lines.append(put(task("diedrunning", account, "RUNNING"), Map.of("node", "taskrunner@elsewhere")));
            fx.appendToJournal(lines.toString());
            fx.start();

            var admin = KazooClient.admin(fx);
            assertEquals("taskrunner@elsewhere", admin.task("ranelsewhere").get("node"));
            assertEquals(THIS_NODE, admin.task("beforenodes").get("node"), "started before nodes were recorded: this server's, as answers showed then");
            var resumed = admin.task("resumedbefore");
            assertEquals(THIS_NODE, resumed.get("node"));
            assertEquals(3, ((Number) resumed.get("resumed_after_row")).intValue());
            var died = admin.awaitFinished("diedrunning", Duration.ofSeconds(20));
            assertEquals(THIS_NODE, died.get("node"), "the node that resumed it after the restart runs it now");
            assertEquals(0, ((Number) died.get("resumed_after_row")).intValue());
            assertEquals("success", died.get("status"));
        }
    }

    @Test
    void withANodeNameEveryEnvelopeNamesThatNodeAsTheTasksItStartsDo() throws Exception {
        String node = "taskrunner@named-node";
        String hash = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.util.HexFormat.of().parseHex(taskrunner.auth.Secrets.md5(node)));
        try (var fx = new ServerFixture(b -> b.configure(c -> c.node(node)))) {
            var admin = KazooClient.admin(fx);
            String id = admin.createCsv("examples", "echo", "name\nann\n");
            var started = admin.send("PATCH", admin.tasksPath() + "/" + id, null, null);
            assertEquals(node, KazooClient.readOnly(started).get("node"));
            assertEquals(hash, ServerFixture.json(started.body()).get("node"), "a success envelope");
            var missing = admin.get(admin.tasksPath() + "/nosuchtask");
            assertEquals(404, missing.statusCode());
            assertEquals(hash, ServerFixture.json(missing.body()).get("node"), "an error envelope");
            var login = fx.send(fx.request("/v2/user_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")));
            assertEquals(hash, ServerFixture.json(login.body()).get("node"), "the login answer");
        }
    }

    private static Map<String, Object> task(String id, String account, String state) {
        var t = new LinkedHashMap<String, Object>();
        t.put("id", id);
        t.put("face", "kazoo");
        t.put("type", "examples/count");
        t.put("account", account);
        t.put("auth_account", account);
        t.put("state", state);
        t.put("created", 1_700_000_000_000L);
        t.put("started", 1_700_000_001_000L);
        if (!state.equals("RUNNING")) {
            t.put("finished", 1_700_000_002_000L);
            t.put("ok", 10);
            t.put("bad", 0);
        }
        return t;
    }

    private static String put(Map<String, Object> task, Map<String, Object> x) throws Exception {
        if (x != null) task.put("x", x);
        return ServerFixture.journalPut("task", task.get("id"), task);
    }
}
