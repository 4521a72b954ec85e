package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KazooTaskRoutesTest {
    static ServerFixture fx;
    static KazooClient admin;
    static KazooClient alice;
    static KazooClient bob;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.rowTask(taskrunner.core.RowTaskType.input("test", "pair", "Two mandatory fields", "doc\n",
                List.of("number", "account_id"), List.of(), List.of("error"), (row, ctx) -> Map.of())));
        admin = KazooClient.admin(fx);
        alice = admin.childWithUser("tenant-alice", "alice", "alicepw");
        bob = admin.childWithUser("tenant-bob", "bob", "bobpw");
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static Map<String, Object> error(java.net.http.HttpResponse<String> r, int status, String message) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        var json = ServerFixture.json(r.body());
        assertEquals(String.valueOf(status), json.get("error"));
        assertEquals(message, json.get("message"));
        assertEquals("error", json.get("status"));
        assertNotNull(json.get("request_id"));
        return json;
    }

    @Test
    void csvTaskRunsAndItsCsvsCanBeDownloaded() throws Exception {
        var r = alice.send("PUT", alice.tasksPath() + "?category=examples&action=echo&file_name=my.csv", "text/csv",
                "name,note\nann,\"multi\nline\"\n\nbo,\"\"\n");
        assertEquals(201, r.statusCode(), r.body());
        var created = KazooClient.readOnly(r);
        String id = (String) created.get("id");
        assertTrue(id.matches("[0-9a-f]{30}"));
        assertEquals(alice.accountId, created.get("account_id"));
        assertEquals(alice.accountId, created.get("auth_account_id"));
        assertEquals("examples", created.get("category"));
        assertEquals("echo", created.get("action"));
        assertEquals("my.csv", created.get("file_name"));
        assertEquals(2, created.get("total_count"), "quoted newline kept, blank line skipped");
        assertEquals("pending", created.get("status"));
        long created_ = ((Number) created.get("created")).longValue();
        assertEquals(created_, ((Number) created.get("submit_timestamp")).longValue());
        long unixNow = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(created_ - 62167219200L - unixNow) < 60, "gregorian seconds");

        var detail = alice.task(id);
        assertEquals(List.of("in.csv"), detail.get("csvs"));
        assertFalse(detail.containsKey("node"));

        r = alice.send("PATCH", alice.tasksPath() + "/" + id, null, null);
        assertEquals(200, r.statusCode(), r.body());
        var started = KazooClient.readOnly(r);
        assertEquals("executing", started.get("status"));
        assertTrue(((String) started.get("node")).startsWith("taskrunner@"), String.valueOf(started.get("node")));
        String nodeHash = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.util.HexFormat.of().parseHex(taskrunner.auth.Secrets.md5((String) started.get("node"))));
        assertEquals(nodeHash, ServerFixture.json(r.body()).get("node"), "the envelope's node is the md5 of the task's node");
        assertNotNull(started.get("start_timestamp"));

        var done = alice.awaitFinished(id, Duration.ofSeconds(10));
        assertEquals("success", done.get("status"));
        assertEquals(2, done.get("success_count"));
        assertEquals(0, done.get("failure_count"));
        assertEquals(List.of("in.csv", "out.csv"), done.get("csvs"));

        var out = alice.get(alice.tasksPath() + "/" + id + "?csv_name=out.csv", "text/csv");
        assertEquals(200, out.statusCode());
        assertEquals("text/csv", out.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"examples_echo_" + id + "_out.csv\"", out.headers().firstValue("Content-Disposition").orElse(""));
        assertEquals("\"name\",\"note\",\"error\"\n\"ann\",\"multi\nline\",\n\"bo\",\"\",\n", out.body());
        assertEquals(out.body(), alice.get(alice.tasksPath() + "/" + id + "/output").body());
        var in = alice.get(alice.tasksPath() + "/" + id + "/input");
        assertEquals("name,note\nann,\"multi\nline\"\n\nbo,\"\"\n", in.body(), "input is kept verbatim");
        assertEquals(in.body(), alice.get(alice.tasksPath() + "/" + id + "?accept=csv&csv_name=in.csv").body());

        // started or finished tasks cannot be started again
        var again = alice.send("PATCH", alice.tasksPath() + "/" + id, null, null);
        var json = error(again, 404, "bad_identifier");
        assertEquals(Map.of("cause", id, "message", "bad identifier", "reason", "task already started"), json.get("data"));
        var stopDone = alice.send("PATCH", alice.tasksPath() + "/" + id + "/stop", null, null);
        json = error(stopDone, 404, "bad_identifier");
        assertEquals(Map.of("cause", id, "message", "bad identifier", "reason", "task is not running"), json.get("data"));

        var del = alice.send("DELETE", alice.tasksPath() + "/" + id, null, null);
        assertEquals(200, del.statusCode());
        assertEquals("success", KazooClient.readOnly(del).get("status"));
        error(alice.get(alice.tasksPath() + "/" + id), 404, "bad identifier");
    }

    @Test
    void jsonRecordsAndNoInputCreateTasks() throws Exception {
        var r = alice.send("PUT", alice.tasksPath() + "?category=examples&action=echo", "application/json",
                "{\"data\":{\"records\":[{\"a\":\"1\",\"b\":2},{\"a\":\"x\",\"b\":true}],\"file_name\":\"recs.csv\"}}");
        assertEquals(201, r.statusCode(), r.body());
        var t = KazooClient.readOnly(r);
        assertEquals(2, t.get("total_count"));
        assertEquals("recs.csv", t.get("file_name"));
        String id = (String) t.get("id");
        assertEquals("\"a\",\"b\"\n\"1\",\"2\"\n\"x\",\"true\"\n", alice.get(alice.tasksPath() + "/" + id + "/input").body());

        // curl -d sends a form content type; the seed's JSON example must still work
        r = alice.send("PUT", alice.tasksPath() + "?category=examples&action=echo", "application/x-www-form-urlencoded",
                "{\"data\":{\"records\":[{\"a\":\"1\"}]}}");
        assertEquals(201, r.statusCode(), r.body());

        r = alice.send("PUT", alice.tasksPath() + "?category=examples&action=count", null, null);
        assertEquals(201, r.statusCode(), r.body());
        var noInput = KazooClient.readOnly(r);
        assertFalse(noInput.containsKey("total_count"));
        String nid = (String) noInput.get("id");
        alice.start(nid);
        var done = alice.awaitFinished(nid, Duration.ofSeconds(10));
        assertEquals("success", done.get("status"));
        assertEquals(10, done.get("success_count"));
        assertEquals(List.of("out.csv"), done.get("csvs"));
        error(alice.get(alice.tasksPath() + "/" + nid + "/input"), 404, "bad_identifier");
        assertTrue(alice.get(alice.tasksPath() + "/" + nid + "/output").body().startsWith("\"n\",\"square\"\n\"1\",\"1\"\n"));
    }

    @Test
    void createErrorsHaveTheSeedsBodies() throws Exception {
        String base = alice.tasksPath();
        var json = error(alice.send("PUT", base + "?category=nope&action=echo", "text/csv", "a\n1\n"), 404, "bad identifier");
        assertEquals(List.of("nope"), json.get("data"));
        json = error(alice.send("PUT", base + "?category=examples&action=nope", "text/csv", "a\n1\n"), 404, "bad identifier");
        assertEquals(List.of("nope"), json.get("data"));
        json = error(alice.send("PUT", base + "?category=examples", "text/csv", "a\n1\n"), 500, "invalid request");
        assertEquals(Map.of("message", "invalid request"), json.get("data"));

        var csvFormat = Map.of("csv", Map.of("format", Map.of("message",
                "Empty CSV or some row(s) longer than others or header missing")));
        for (String bad : List.of("", "a,b\n", "a,b\n1,2\n3\n", "a,,c\n1,2,3\n", "a,b\n1,2,3\n", "a\n\"unterminated\n")) {
            json = error(alice.send("PUT", base + "?category=examples&action=echo", "text/csv", bad), 500, "invalid request");
            assertEquals(csvFormat, json.get("data"), "for " + bad);
        }

        json = error(alice.send("PUT", base + "?category=examples&action=sleep", "text/csv", "ms,wef\n1,2\n"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("unknown_fields", List.of("wef")))), json.get("data"));
        json = error(alice.send("PUT", base + "?category=examples&action=sleep", "text/csv", "other\n1\n"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("unknown_fields", List.of("other"),
                "missing_mandatory_fields", List.of("ms")))), json.get("data"));
        assertEquals(201, alice.send("PUT", base + "?category=examples&action=sleep", "text/csv", "ms\n1\n\n2\n\"\"\n").statusCode());
    }

    @Test
    void missingMandatoryValuesListTheRows() throws Exception {
        String base = alice.tasksPath();
        // the sleep task declares ms only, so use a command-free type with two mandatory fields via the builder
        var json = error(alice.send("PUT", base + "?category=examples&action=sleep", "text/csv", "ms\n1\n,\n"), 500, "invalid request");
        // ragged ("," has two cells) is a format problem, not a missing value
        assertTrue(json.get("data").toString().contains("csv"));
        var r = alice.send("PUT", base + "?category=examples&action=sleep", "text/csv", "ms\n1\n\"\"\n");
        assertEquals(201, r.statusCode(), "quoted empty is present, not missing");
        json = error(alice.send("PUT", base + "?category=test&action=pair", "text/csv",
                "number,account_id\n,+14157215234\n009afc511c97b2ae693c6cc4920988e8,\n1,2\n"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("missing_mandatory_values",
                List.of(",+14157215234", "009afc511c97b2ae693c6cc4920988e8,")))), json.get("data"));
        json = error(alice.send("PUT", base + "?category=test&action=pair", "text/csv", "account_id\n1\n"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("missing_mandatory_fields", List.of("number")))), json.get("data"));
        json = error(alice.send("PUT", base + "?category=test&action=pair", "application/json",
                "{\"data\":{\"records\":[{\"account_id\":\"a\"}]}}"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("missing_mandatory_fields", List.of("number")))), json.get("data"));
    }

    @Test
    void inputMismatchesAndMalformedBodiesAreRefused() throws Exception {
        var dave = admin.childWithUser("tenant-dave", "dave", "davepw");
        String base = dave.tasksPath();
        var alice = dave;
        var json = error(alice.send("PUT", base + "?category=examples&action=sleep", null, null), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("expected_content", "text/csv", "missing_mandatory_fields", List.of("ms")))), json.get("data"));
        json = error(alice.send("PUT", base + "?category=examples&action=count", "text/csv", "a\n1\n"), 500, "invalid request");
        assertEquals(Map.of("attachment", Map.of("type", Map.of("expected_content", "none"))), json.get("data"));
        error(alice.send("PUT", base + "?category=examples&action=echo", "application/json", "{\"data\":"), 400, "validation error");
        error(alice.send("PUT", base + "?category=examples&action=echo", "application/json", "{\"data\":{\"records\":[\"x\"]}}"), 400, "validation error");
        error(alice.send("PUT", base + "?category=examples&action=echo", "multipart/form-data; boundary=x", "--x--"), 415, "invalid_content_type");
        // nothing of the refused requests was kept
        assertEquals(List.of(), ServerFixture.json(dave.get(base).body()).get("data"));
    }

    @Test
    void accountsAreIsolated() throws Exception {
        String id = alice.createCsv("examples", "echo", "a\n1\n");
        // bob may not use alice's account URL at all
        error(bob.get(alice.tasksPath()), 403, "forbidden");
        error(bob.get(alice.tasksPath() + "/" + id), 403, "forbidden");
        error(bob.send("PATCH", alice.tasksPath() + "/" + id, null, null), 403, "forbidden");
        error(bob.send("DELETE", alice.tasksPath() + "/" + id, null, null), 403, "forbidden");
        error(bob.send("PUT", alice.tasksPath() + "?category=examples&action=echo", "text/csv", "a\n1\n"), 403, "forbidden");
        // through his own URL the task does not exist
        var json = error(bob.get(bob.tasksPath() + "/" + id), 404, "bad identifier");
        assertEquals(List.of(id), json.get("data"));
        // account-less forms are for superduper admins only
        error(alice.get("/v2/tasks/" + id), 403, "forbidden");
        error(alice.send("PUT", "/v2/tasks?category=examples&action=echo", "text/csv", "a\n1\n"), 403, "forbidden");
        // the parent (admin, superduper) may act on alice's URL
        assertEquals(200, admin.get(alice.tasksPath() + "/" + id).statusCode());
        // but the task is not reachable through the parent's own URL
        error(admin.get(admin.tasksPath() + "/" + id), 404, "bad identifier");
        // a missing task is 404 for every action, in the seed's two shapes
        String missing = "0123456789abcdef0123456789abcd";
        for (String m : List.of("GET", "DELETE")) {
            json = error(alice.send(m, alice.tasksPath() + "/" + missing, null, null), 404, "bad identifier");
            assertEquals(List.of(missing), json.get("data"));
        }
        json = error(alice.send("PATCH", alice.tasksPath() + "/" + missing, null, null), 404, "bad_identifier");
        assertEquals(Map.of("cause", missing, "message", "bad identifier"), json.get("data"));
        for (String legacy : List.of("/input", "/output")) {
            json = error(alice.get(alice.tasksPath() + "/" + missing + legacy), 404, "bad_identifier");
            assertEquals(Map.of("cause", missing, "message", "bad identifier"), json.get("data"));
        }
        error(alice.send("PATCH", alice.tasksPath() + "/0123456789abcdef0123456789abcd/stop", null, null), 404, "bad identifier");
    }

    @Test
    void superduperAccountlessFormsUseTheAuthAccount() throws Exception {
        var r = admin.send("PUT", "/v2/tasks?category=examples&action=echo", "text/csv", "a\n1\n");
        assertEquals(201, r.statusCode(), r.body());
        String id = (String) KazooClient.readOnly(r).get("id");
        assertEquals(admin.accountId, KazooClient.readOnly(r).get("account_id"));
        assertEquals(200, admin.get("/v2/tasks/" + id).statusCode());
        assertEquals(200, admin.send("PATCH", "/v2/tasks/" + id, null, null).statusCode());
        ServerFixture.await("finish", Duration.ofSeconds(10), () -> {
            try {
                return admin.get("/v2/tasks/" + id + "/output").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("a\n1\n", admin.get("/v2/tasks/" + id + "/input").body());
        assertEquals(200, admin.send("DELETE", "/v2/tasks/" + id, null, null).statusCode());
    }

    @Test
    void listIsNewestFirstAndPaginates() throws Exception {
        var carol = admin.childWithUser("tenant-carol", "carol", "carolpw");
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) ids.add(carol.createCsv("examples", "echo", "a\n" + i + "\n"));
        var all = carol.get(carol.tasksPath());
        assertEquals(5, ServerFixture.json(all.body()).get("page_size"));
        var seen = new ArrayList<String>();
        String key = null;
        do {
            var page = carol.get(carol.tasksPath() + "?page_size=2" + (key == null ? "" : "&start_key=" + key));
            var json = ServerFixture.json(page.body());
            for (Object o : (List<?>) json.get("data")) seen.add((String) ((Map<?, ?>) o).get("id"));
            key = (String) json.get("next_start_key");
        } while (key != null);
        assertEquals(5, seen.size());
        assertEquals(new java.util.HashSet<>(ids), new java.util.HashSet<>(seen));
        var listed = (List<?>) ServerFixture.json(all.body()).get("data");
        for (int i = 1; i < listed.size(); i++) {
            long prev = ((Number) ((Map<?, ?>) listed.get(i - 1)).get("created")).longValue();
            assertTrue(((Number) ((Map<?, ?>) listed.get(i)).get("created")).longValue() <= prev, "newest first");
        }
        var empty = alice.childWithUser("tenant-empty", "emma", "emmapw");
        var none = ServerFixture.json(empty.get(empty.tasksPath()).body());
        assertEquals(List.of(), none.get("data"));
        assertEquals(0, none.get("page_size"));
    }
}
