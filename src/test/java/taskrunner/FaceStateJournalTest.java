package taskrunner;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;
import taskrunner.auth.Secrets;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A data directory whose journal holds face state as the untyped {@code Task.extras} wrote
 * it (under {@code "x"}, with a null kept as a JSON null) still loads: each face answers
 * from it, a compaction writes the same keys back (nulls now absent), and the answers after
 * a restart on the compacted journal are the same (bytes for CKAN and EntryScape; Kazoo's
 * task object, its envelope carrying a fresh request id).
 */
class FaceStateJournalTest {
    private static final String CKAN_KEY = "old-job-key";
    private static final String CALLBACK_FAILURE = "Process completed but unable to post to result_url";

    @Test
    void extrasWrittenBeforeTypedStatesStillLoadAndKeepTheirKeys() throws Exception {
        try (var fx = new ServerFixture()) {
            String account = KazooClient.admin(fx).accountId;
            fx.server.close();
            var x = oldExtras();
            var lines = new StringBuilder();
            var kz = task("oldkazoo", "kazoo", "examples/echo", account, "DONE");
            kz.put("total", 5);
            kz.put("ok", 5);
            kz.put("bad", 0);
            lines.append(put(kz, x.get("oldkazoo")));
            lines.append(put(task("oldckan", "ckan", "echo", null, "DONE"), x.get("oldckan")));
            lines.append(put(task("oldckanstopped", "ckan", "echo", null, "STOPPED"), x.get("oldckanstopped")));
            var es = task("oldes", "entryscape", "addFile", account, "DONE");
            es.put("file_name", "rows.csv");
            lines.append(put(es, x.get("oldes")));
            fx.appendToJournal(lines.toString());
            fx.start();

            var kazoo = KazooClient.admin(fx);
            var kazooTask = kazoo.task("oldkazoo");
            assertEquals(3, ((Number) kazooTask.get("resumed_after_row")).intValue());
            assertEquals("success", kazooTask.get("status"));

            var ckan = ServerFixture.json(ckanJob(fx, "oldckan"));
            assertEquals("complete", ckan.get("status"));
            assertEquals("hello", ckan.get("data"));
            assertNull(ckan.get("error"));
            assertEquals(ckanTime(1_700_000_000_000_123L), ckan.get("requested_timestamp"));
            assertEquals(ckanTime(1_700_000_002_000_456L), ckan.get("finished_timestamp"));
            assertEquals("hello", ckan.get("sent_data"));
            assertEquals("aps1", ckan.get("aps_job_id"));
            assertEquals("http://127.0.0.1:9/cb", ckan.get("result_url"));
            assertEquals(Map.of("a", "1", "b", "2"), ckan.get("metadata"));

            var stopped = ServerFixture.json(ckanJob(fx, "oldckanstopped"));
            assertEquals("error", stopped.get("status"));
            assertEquals(Map.of("message", CALLBACK_FAILURE), stopped.get("error"));
            assertEquals(ckanTime(1_700_000_002_000L * 1000), stopped.get("finished_timestamp"));

            var job = ServerFixture.json(esJob(fx, "oldes"));
            assertEquals("Success", job.get("status"));
            assertEquals("addFile", job.get("type"));
            assertEquals("http://h/store/1/resource/2", job.get("resourceURI"));
            assertEquals("http://h/store/1/resource/9", job.get("prototypeURI"));
            assertEquals(((Map<?, ?>) x.get("oldes")).get("results"), job.get("results"));

            var before = List.of(kazooTask, ckanJob(fx, "oldckan"),
                    ckanJob(fx, "oldckanstopped"), esJob(fx, "oldes"));
            fx.server.services().store().compact();
            var compacted = snapshotExtras(fx.dataDir.resolve("snapshot.bin"));
            for (var e : x.entrySet()) {
                assertEquals(withoutNulls(e.getValue()), compacted.get(e.getKey()), "x of " + e.getKey());
            }

            fx.restart();
            var after = List.of(kazoo.task("oldkazoo"), ckanJob(fx, "oldckan"),
                    ckanJob(fx, "oldckanstopped"), esJob(fx, "oldes"));
            assertEquals(before, after);
        }
    }

    /** The "x" of each task as the extras map wrote it, by task id. */
    private static Map<String, Map<String, Object>> oldExtras() throws IOException {
        var x = new LinkedHashMap<String, Map<String, Object>>();
        x.put("oldkazoo", json("{\"resumed_after_row\":3}"));
        x.put("oldckan", json("""
                {"submission":{"job_type":"echo","data":"hello","metadata":{"b":"2","a":"1"},
                               "result_url":"http://127.0.0.1:9/cb"},
                 "job_key_sha256":"%s","requested_us":1700000000000123,"aps_job_id":"aps1",
                 "status":"complete","result":"hello","finished_us":1700000002000456,"callback":"done"}
                """.formatted(Secrets.sha256(CKAN_KEY))));
        // ended by the core (deleted while it ran), then its callback failed: an error without a status
        x.put("oldckanstopped", json("""
                {"submission":{"job_type":"echo","data":"x","result_url":"http://127.0.0.1:9/cb"},
                 "api_key":null,"job_key_sha256":"%s","requested_us":1700000000000123,
                 "error":{"message":"%s"},"callback":"failed"}
                """.formatted(Secrets.sha256(CKAN_KEY), CALLBACK_FAILURE)));
        // a finished job keeps its commit phase; "mime" was null for a client that sent none
        x.put("oldes", json("""
                {"resourceURI":"http://h/store/1/resource/2","prototypeURI":"http://h/store/1/resource/9",
                 "dist":"1/2","file":"1/9","fileURI":"http://h/store/1/resource/9","upload":"=YSxi","mime":null,
                 "size":3,"sha256":"ab12","user":"u1","phase":"commit","built":"=eA","builtColumns":["a","b"],
                 "builtRows":2,"builtAdded":1,"base":"=eQ","dataset":"ds1","oldFileBlob":"=b2xk",
                 "results":{"fileURI":"http://h/store/1/resource/9","distributionURI":"http://h/store/1/resource/2",
                            "rowCount":2,"rowsLoaded":1}}
                """));
        return x;
    }

    private static Map<String, Object> task(String id, String face, String type, String account, String state) {
        var t = new LinkedHashMap<String, Object>();
        t.put("id", id);
        t.put("face", face);
        t.put("type", type);
        if (account != null) {
            t.put("account", account);
            t.put("auth_account", account);
        }
        t.put("state", state);
        t.put("created", 1_700_000_000_000L);
        t.put("started", 1_700_000_001_000L);
        t.put("finished", 1_700_000_002_000L);
        return t;
    }

    private static String put(Map<String, Object> task, Map<String, Object> x) throws IOException {
        task.put("x", x);
        return ServerFixture.journalPut("task", task.get("id"), task);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> snapshotExtras(Path snapshot) throws IOException {
        var out = new HashMap<String, Map<String, Object>>();
        for (var e : taskrunner.store.Snapshot.events(snapshot)) {
            if (e.kind().equals("task")) out.put(e.id(), (Map<String, Object>) e.value().get("x"));
        }
        return out;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        var out = new LinkedHashMap<>(m);
        out.values().removeIf(v -> v == null);
        return out;
    }

    private static String ckanJob(ServerFixture fx, String id) throws Exception {
        var r = fx.send(fx.request("/job/" + id).header("Authorization", CKAN_KEY).GET());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String esJob(ServerFixture fx, String id) throws Exception {
        var r = fx.send(fx.request("/taskrunner/v1/job/" + id).GET());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** CKAN's timestamp form: local time, six fractional digits. */
    private static String ckanTime(long micros) {
        var t = LocalDateTime.ofInstant(Instant.ofEpochSecond(0, micros * 1000), ZoneId.systemDefault());
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").format(t);
    }

    private static Map<String, Object> json(String s) throws IOException {
        return JSON.std.mapFrom(s);
    }
}
