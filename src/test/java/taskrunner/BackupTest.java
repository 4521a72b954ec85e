package taskrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code POST /admin/backup} while the server runs, tested as the README's procedure goes: a
 * server with Kazoo tasks, a running task, CKAN jobs and EntryScape files, clients writing and
 * deleting all along; the backup is then started as a server of its own ({@code --data
 * <backup>}) and has everything answered before the backup began.
 */
class BackupTest {
    /** A CSV over {@link taskrunner.store.BlobStore#INLINE_MAX}, so its blob is a file of its own. */
    private static String bigCsv(String tag) {
        var sb = new StringBuilder("name,email\n");
        for (int i = 0; i < 300; i++) sb.append(tag).append('-').append(i).append(",someone").append(i).append("@example.com\n");
        return sb.toString();
    }

    private static HttpResponse<String> backup(ChildServer s, String token) throws Exception {
        var b = s.request("/admin/backup").POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("X-Auth-Token", token);
        return s.send(b);
    }

    /** The EntryScape admin's auth_token, from the login cookie. */
    private static String scapeLogin(ChildServer s) throws Exception {
        var r = s.send(s.request("/store/auth/cookie").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("auth_username=admin&auth_password="
                        + URLEncoder.encode(ServerFixture.ADMIN_PASSWORD, StandardCharsets.UTF_8))));
        assertEquals(200, r.statusCode(), r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring("auth_token=".length(), cookie.indexOf(';'));
    }

    private static HttpResponse<String> scape(ChildServer s, String method, String path, String token, String type, String body)
            throws Exception {
        var b = s.request(path).method(method, HttpRequest.BodyPublishers.ofString(body)).header("Cookie", "auth_token=" + token);
        if (type != null) b.header("Content-Type", type);
        return s.send(b);
    }

    @Test
    void aBackupTakenWhileClientsWriteStartsAsAServerWithEverythingAnsweredBeforeIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path backups = dir.resolve("backups");
        var inputs = new ConcurrentHashMap<String, String>(); // task id -> the CSV it was created from
        var before = new LinkedHashMap<String, String>();
        var ckanJobs = new LinkedHashMap<String, Map<String, Object>>();
        String runningId;
        String rowstoreId;
        String fileBody = bigCsv("entryscape-file");
        Path backupDir;
        try (ChildServer s = ChildServer.start(data, "--backup-dir", backups.toString(), "--row-delay-ms", "20")) {
            var admin = KazooClient.admin(s);
            for (int i = 0; i < 5; i++) {
                String csv = i % 2 == 0 ? bigCsv("before" + i) : "name,email\nsmall" + i + ",s@example.com\n";
                inputs.put(admin.createCsv("examples", "echo", csv), csv);
            }
            // a task that runs all through the backup: its work file is appended while it is copied
            var slow = new StringBuilder("name,email\n");
            for (int i = 0; i < 300; i++) slow.append("row").append(i).append(",r").append(i).append("@example.com\n");
            runningId = admin.createCsv("examples", "echo", slow.toString());
            admin.start(runningId);
            // CKAN jobs, finished
            for (int i = 0; i < 3; i++) {
                var r = s.send(s.request("/job/backup" + i).header("Content-Type", "application/json").POST(
                        HttpRequest.BodyPublishers.ofString("{\"job_type\": \"echo\", \"api_key\": \"k\", \"data\": \"hello" + i + "\"}")));
                assertEquals(200, r.statusCode(), r.body());
                String key = (String) ServerFixture.json(r.body()).get("job_key");
                String id = "backup" + i;
                ServerFixture.await("CKAN job " + id, Duration.ofSeconds(20), () -> {
                    try {
                        return "complete".equals(ckanJob(s, id, key).get("status"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                ckanJobs.put(key, ckanJob(s, id, key));
            }
            // EntryScape: a file entry with its bytes, and a RowStore dataset
            String token = scapeLogin(s);
            assertEquals(201, scape(s, "POST", "/store/_contexts?id=bk&graphtype=context", token, "application/json", "").statusCode());
            assertEquals(201, scape(s, "POST", "/store/bk?id=file1", token, "application/json", "").statusCode());
            var put = scape(s, "PUT", "/store/bk/resource/file1", token, "text/csv", fileBody);
            assertTrue(put.statusCode() / 100 == 2, put.statusCode() + " " + put.body());
            var ds = scape(s, "POST", "/rowstore/datasets", token, "text/csv", "station,value\nA,1\nB,2\n");
            assertEquals(202, ds.statusCode(), ds.body());
            rowstoreId = (String) ServerFixture.json(ds.body()).get("id");
            ServerFixture.await("the dataset loaded", Duration.ofSeconds(20), () -> {
                try {
                    var q = s.send(s.request("/rowstore/dataset/" + rowstoreId + "/json").GET());
                    return q.statusCode() == 200 && Integer.valueOf(2).equals(ServerFixture.json(q.body()).get("resultCount"));
                } catch (Exception e) {
                    return false;
                }
            });

            // clients keep creating (and some deleting) big tasks while the backup runs
            var stop = new AtomicBoolean();
            var written = new AtomicInteger();
            var writers = new ArrayList<Thread>();
            for (int w = 0; w < 2; w++) {
                boolean deleter = w == 1;
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            String csv = bigCsv((deleter ? "gone" : "during") + i);
                            String id = admin.createCsv("examples", "echo", csv);
                            if (deleter) {
                                assertEquals(200, admin.send("DELETE", admin.tasksPath() + "/" + id, null, null).statusCode());
                            } else {
                                inputs.put(id, csv);
                            }
                            written.incrementAndGet();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            ServerFixture.await("writes under way", Duration.ofSeconds(20), () -> written.get() >= 10);
            before.putAll(inputs); // every task answered before the backup starts
            var r = backup(s, admin.token);
            int writtenAtAnswer = written.get();
            ServerFixture.await("writes after the backup", Duration.ofSeconds(20), () -> written.get() >= writtenAtAnswer + 5);
            stop.set(true);
            for (Thread t : writers) t.join();

            assertEquals(200, r.statusCode(), r.body());
            var answer = ServerFixture.json(r.body());
            backupDir = Path.of((String) answer.get("backup"));
            assertEquals(backups.toAbsolutePath().normalize(), backupDir.getParent());
            assertTrue(backupDir.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z"), backupDir.toString());
            assertTrue(((Number) answer.get("records")).intValue() >= before.size() + ckanJobs.size(), r.body());
            assertTrue(((Number) answer.get("blobs")).intValue() >= 4, r.body());
            assertTrue(((Number) answer.get("bytes")).longValue() > 0, r.body());
            assertTrue(Files.isRegularFile(backupDir.resolve("snapshot.bin")));
            assertTrue(Files.isRegularFile(backupDir.resolve("journal.jsonl")), "the events written while the snapshot was");
            try (var work = Files.list(backupDir.resolve("blobs/work"))) {
                assertTrue(work.findAny().isPresent(), "the running task's work file is in the backup");
            }
            try (var list = Files.list(backups)) {
                assertEquals(List.of(backupDir.getFileName().toString()), list.map(p -> p.getFileName().toString()).toList(),
                        "no .partial left");
            }
            assertEquals(0, s.terminate(), s.output());
        }

        // restore: a server on the backup directory
        try (ChildServer restored = ChildServer.start(backupDir)) {
            var admin = KazooClient.admin(restored);
            for (var e : before.entrySet()) {
                assertEquals(e.getKey(), admin.task(e.getKey()).get("id"));
                var in = admin.get(admin.tasksPath() + "/" + e.getKey() + "/input");
                assertEquals(200, in.statusCode(), in.body());
                assertEquals(e.getValue(), in.body(), "input of " + e.getKey());
            }
            // every task in the backup, whether created before it or while it ran, has its input
            var all = admin.get(admin.tasksPath() + "?paginate=false");
            assertEquals(200, all.statusCode());
            for (Object o : (List<?>) ServerFixture.json(all.body()).get("data")) {
                String id = (String) ((Map<?, ?>) o).get("id");
                var in = admin.get(admin.tasksPath() + "/" + id + "/input");
                assertEquals(200, in.statusCode(), "input of " + id + ": " + in.body());
                assertTrue(in.body().startsWith("name,email\n"), in.body());
            }
            // the task that was running resumes and ends with every row once
            var t = admin.awaitFinished(runningId, Duration.ofSeconds(30));
            assertEquals("success", t.get("status"), t.toString());
            var out = admin.get(admin.tasksPath() + "/" + runningId + "/output");
            assertEquals(301, out.body().lines().count(), "header and 300 rows");
            for (var e : ckanJobs.entrySet()) {
                var job = ckanJob(restored, (String) e.getValue().get("job_id"), e.getKey());
                assertEquals("complete", job.get("status"));
                assertEquals(e.getValue().get("data"), job.get("data"));
            }
            String token = scapeLogin(restored);
            var file = restored.send(restored.request("/store/bk/resource/file1").header("Cookie", "auth_token=" + token).GET());
            assertEquals(200, file.statusCode());
            assertEquals(fileBody, file.body());
            var q = ServerFixture.json(restored.send(restored.request("/rowstore/dataset/" + rowstoreId + "/json").GET()).body());
            assertEquals(2, q.get("resultCount"));
        }
    }

    private static Map<String, Object> ckanJob(ChildServer s, String id, String key) throws Exception {
        var r = s.send(s.request("/job/" + id).header("Authorization", key).GET());
        assertEquals(200, r.statusCode(), r.body());
        return ServerFixture.json(r.body());
    }

    @Test
    void aBackupThatCannotBeWrittenIsA500SayingWhyAndTheServerGoesOn(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("backups"), "a file");
        try (var fx = new ServerFixture(b -> b.configure(c -> c.backupDir(notADirectory)))) {
            var admin = KazooClient.admin(fx);
            var r = admin.send("POST", "/admin/backup", null, null);
            assertEquals(500, r.statusCode(), r.body());
            assertTrue(((String) ServerFixture.json(r.body()).get("error")).startsWith("backup failed: "), r.body());
            String id = admin.createCsv("examples", "echo", "a\n1\n");
            assertEquals(id, admin.task(id).get("id"));
            assertEquals("a file", Files.readString(notADirectory));
        }
    }

    @Test
    void aBackupIsForAnAdminOfTheRootAccountOnly(@TempDir Path dir) throws Exception {
        Path backups = dir.resolve("backups");
        try (var fx = new ServerFixture(b -> b.configure(c -> c.backupDir(backups)))) {
            var admin = KazooClient.admin(fx);
            var anonymous = new KazooClient(fx);
            assertEquals(401, anonymous.send("POST", "/admin/backup", null, null).statusCode());
            anonymous.token = "not-a-token";
            assertEquals(401, anonymous.send("POST", "/admin/backup", null, null).statusCode());
            var tenant = admin.childWithUser("tenant", "tenantadmin", "tenantpw");
            var refused = tenant.send("POST", "/admin/backup", null, null);
            assertEquals(403, refused.statusCode());
            assertEquals("only an admin of the root account may make a backup", ServerFixture.json(refused.body()).get("error"));
            var r = admin.send("PUT", "/v2/accounts/" + admin.accountId + "/users", "application/json",
                    "{\"data\":{\"username\":\"rootuser\",\"password\":\"userpw\",\"priv_level\":\"user\"}}");
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(403, new KazooClient(fx).login("rootuser", "userpw").send("POST", "/admin/backup", null, null).statusCode());
            assertFalse(Files.exists(backups), "nothing written for a refusal");

            var ok = admin.send("POST", "/admin/backup", null, null);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(List.of("backup", "records", "blobs", "bytes"), List.copyOf(ServerFixture.json(ok.body()).keySet()));
            assertTrue(Files.isDirectory(Path.of((String) ServerFixture.json(ok.body()).get("backup"))));
        }
    }
}
