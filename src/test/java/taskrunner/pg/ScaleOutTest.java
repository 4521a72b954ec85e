package taskrunner.pg;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import taskrunner.support.Endpoint;
import taskrunner.support.FaceTasks;
import taskrunner.support.KazooClient;
import taskrunner.support.Postgres;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static taskrunner.support.Unchecked.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers given {@code --postgres} against a real PostgreSQL: every face's flow on one of them,
 * and on two sharing one database with each request sent to the other server than the last.
 */
class ScaleOutTest {
    @RegisterExtension
    static final Postgres pg = new Postgres();
    private final List<ServerFixture> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws IOException {
        for (ServerFixture s : servers) s.close();
        servers.clear();
    }

    /** A server on {@code url}, named {@code node}, with a data directory of its own. */
    private ServerFixture server(String url, String node) throws IOException {
        var fx = new ServerFixture(b -> b.configure(c -> c.postgres(url).node(node)));
        servers.add(fx);
        return fx;
    }

    /** Sends each request to the next server in turn, as a round-robin load balancer would. */
    record Alternating(List<ServerFixture> servers, AtomicInteger next) implements Endpoint {
        Alternating(ServerFixture... servers) {
            this(List.of(servers), new AtomicInteger());
        }

        private ServerFixture pick() {
            return servers.get(Math.floorMod(next.getAndIncrement(), servers.size()));
        }

        @Override
        public HttpRequest.Builder request(String pathAndQuery) {
            return pick().request(pathAndQuery);
        }

        @Override
        public HttpResponse<String> send(HttpRequest.Builder req) throws IOException, InterruptedException {
            return servers.get(0).send(req);
        }
    }

    @Test
    void everyFaceKeepsItsRecordsInPostgresNotTheDataDirectory() throws Exception {
        String url = pg.newDatabase();
        var a = server(url, "node-a");
        var faces = new FaceTasks(a);
        String kazoo = faces.kazooDone(FaceTasks.csv(3));
        var ckan = faces.ckanEcho("pg-echo", "hello", Map.of());
        var es = faces.entryscapeDone("pgctx", "a,b\n1,2\n");
        assertFalse(Files.exists(a.dataDir.resolve("journal.jsonl")), "no journal in the data directory");

        closeServers();
        var again = server(url, "node-a"); // a new data directory: everything must come from the database
        var k = KazooClient.admin(again);
        k.accountId = faces.kazoo.accountId;
        var task = k.task(kazoo);
        assertEquals("success", task.get("status"));
        assertEquals("node-a", task.get("node"));
        var job = new FaceTasks(again).ckanJob("pg-echo", (String) ckan.get("job_key"));
        assertEquals("complete", job.get("status"));
        var r = again.send(again.request("/taskrunner/v1/job/" + es.get("id")).GET());
        assertEquals("Success", ServerFixture.json(r.body()).get("status"), r.body());
    }

    @Test
    void twoServersOnOneDatabaseServeEveryFaceWithRequestsAlternating() throws Exception {
        String url = pg.newDatabase();
        var a = server(url, "node-a");
        var b = server(url, "node-b");
        var both = new Alternating(a, b);
        var faces = new FaceTasks(both, a.server.uri());

        for (int i = 0; i < 4; i++) {
            String id = faces.kazooDone(FaceTasks.csv(5));
            var t = faces.kazoo.task(id);
            assertEquals("success", t.get("status"), t.toString());
            assertTrue(List.of("node-a", "node-b").contains(t.get("node")), t.toString());
            assertEquals(5, ((Number) t.get("success_count")).intValue(), t.toString());
            var out = faces.kazoo.get(faces.kazoo.tasksPath() + "/" + id + "/output", "text/csv");
            assertEquals(200, out.statusCode(), out.body());
            assertTrue(out.body().contains("row-0000004"), out.body());
        }
        for (int i = 0; i < 4; i++) {
            var answer = faces.ckanEcho("echo-" + i, "hi " + i, Map.of());
            var job = faces.ckanJob("echo-" + i, (String) answer.get("job_key"));
            assertEquals("complete", job.get("status"), job.toString());
        }
        for (int i = 0; i < 2; i++) {
            var job = faces.entryscapeDone("altctx" + i, "a,b\n1,2\n");
            assertEquals("Success", job.get("status"), job.toString());
        }
        // a user made through one server logs in through the other
        var child = faces.kazoo.childWithUser("tenant", "tenant-user", "tenant-pass");
        var again = new KazooClient(both).login("tenant-user", "tenant-pass");
        assertEquals(child.accountId, again.accountId);
    }

    @Test
    void aTaskStartedThroughOneServerIsSeenRunningOnItThroughTheOther() throws Exception {
        String url = pg.newDatabase();
        var a = server(url, "node-a");
        var b = server(url, "node-b");
        var onA = KazooClient.admin(a);
        var onB = new KazooClient(b);
        onB.token = onA.token; // a token made on A works on B
        onB.accountId = onA.accountId;
        String id = onA.createCsv("examples", "echo", FaceTasks.csv(2));
        onB.start(id);
        var done = onA.awaitFinished(id, Duration.ofSeconds(30));
        assertEquals("success", done.get("status"));
        assertEquals("node-b", done.get("node"));
        assertNotEquals(a.server.uri(), b.server.uri());
    }

    /** A Kazoo sleep task of 400 rows of 50 ms (20 s unless stopped), started through {@code on} and running there; its id. */
    private static String runningOn(ServerFixture on) throws Exception {
        return new FaceTasks(on).kazooRunning(400, 50);
    }

    /** Two servers on a new database, and the root admin as a client of each (one token). */
    private record Pair(String url, ServerFixture a, ServerFixture b, KazooClient onA, KazooClient onB) {}

    private Pair pair() throws Exception {
        String url = pg.newDatabase();
        var a = server(url, "node-a");
        var b = server(url, "node-b");
        var onA = KazooClient.admin(a);
        return new Pair(url, a, b, onA, as(onA, b));
    }

    private static KazooClient as(KazooClient who, ServerFixture on) {
        var c = new KazooClient(on);
        c.token = who.token;
        c.accountId = who.accountId;
        return c;
    }

    @Test
    void aTaskRunningOnOneServerIsStoppedThroughTheOther() throws Exception {
        var p = pair();
        var a = p.a();
        var onA = p.onA();
        var onB = p.onB();
        String id = runningOn(a); // 20 s of rows unless stopped
        var r = onB.send("PATCH", onB.tasksPath() + "/" + id + "/stop", null, null);
        assertEquals(200, r.statusCode(), r.body());
        ServerFixture.await("the run on A to end", Duration.ofSeconds(5),
                () -> !a.server.services().tasks().runner().isActive(id));
        var onAView = onA.awaitFinished(id, Duration.ofSeconds(5));
        assertEquals("stopped", onAView.get("status"), onAView.toString());
        long done = ((Number) onAView.get("success_count")).longValue();
        assertTrue(done < 400, onAView.toString());
        ServerFixture.await("B to see A's last write", Duration.ofSeconds(2), () -> {
            try {
                return onAView.equals(onB.task(id));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aTaskRunningOnOneServerIsDeletedThroughTheOtherOnlyOnceStopped() throws Exception {
        var p = pair();
        var a = p.a();
        var onA = p.onA();
        var onB = p.onB();
        String id = runningOn(a);
        var early = onB.send("DELETE", onB.tasksPath() + "/" + id, null, null);
        assertNotEquals(200, early.statusCode(), "a running task is not deleted, wherever it runs: " + early.body());
        var stop = onB.send("PATCH", onB.tasksPath() + "/" + id + "/stop", null, null);
        assertEquals(200, stop.statusCode(), stop.body());
        var del = onB.send("DELETE", onB.tasksPath() + "/" + id, null, null);
        assertEquals(200, del.statusCode(), del.body());
        ServerFixture.await("the run on A to end", Duration.ofSeconds(5),
                () -> !a.server.services().tasks().runner().isActive(id));
        assertEquals(404, onA.get(onA.tasksPath() + "/" + id).statusCode());
    }

    @Test
    void aLostDatabaseIsA503ForWritesWhileReadsAnswerFromMemory() throws Exception {
        var own = Postgres.started(); // this test stops its database
        ServerFixture a;
        try {
            a = server(own.newDatabase(), "node-a");
            var k = KazooClient.admin(a);
            String id = k.createCsv("examples", "echo", FaceTasks.csv(2));
            own.close();
            own = null;
            var r = k.send("PUT", k.tasksPath() + "?category=examples&action=echo", "text/csv", FaceTasks.csv(2));
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertFalse(r.body().contains("secret-pw"), r.body());
            assertEquals("pending", k.task(id).get("status"));
        } finally {
            if (own != null) own.close();
        }
    }

    @Test
    void aServerJoiningLiveServersLeavesTheirRunningTasksToThem() throws Exception {
        String url = pg.newDatabase();
        var a = server(url, "node-a");
        var onA = KazooClient.admin(a);
        String id = runningOn(a);
        var b = server(url, "node-b"); // starts while A runs the task: must not resume it as after a crash
        var onB = as(onA, b);
        assertFalse(b.server.services().tasks().runner().isActive(id));
        assertTrue(a.server.services().tasks().runner().isActive(id));
        var seen = onB.task(id);
        assertEquals("executing", seen.get("status"));
        assertEquals("node-a", seen.get("node"));
    }

    @Test
    void blobsLargerThanARecordAreSharedThroughTheDatabaseInChunks() throws Exception {
        var p = pair();
        var a = p.a();
        var b = p.b();
        var onA = p.onA();
        var onB = p.onB();
        String csv = FaceTasks.csv(200_000); // 2.4 MB: three chunks
        String id = onA.createCsv("examples", "echo", csv); // the input lands on A
        onB.start(id); // runs on B, reading A's upload
        var done = onB.awaitFinished(id, Duration.ofSeconds(60));
        assertEquals("success", done.get("status"), done.toString());
        assertEquals(200_000, ((Number) done.get("success_count")).intValue());
        var out = onA.get(onA.tasksPath() + "/" + id + "/output", "text/csv"); // B's output, read through A
        assertEquals(200, out.statusCode());
        assertEquals(200_000, out.body().lines().filter(l -> l.contains("row-")).count());
        assertTrue(out.body().contains("row-0199999"));
        assertTrue(Files.list(a.dataDir.resolve("blobs")).anyMatch(Files::isRegularFile), "A keeps its copies");

        var del = onB.send("DELETE", onB.tasksPath() + "/" + id, null, null);
        assertEquals(200, del.statusCode(), del.body());
        try (var c = java.sql.DriverManager.getConnection(p.url()); var st = c.createStatement();
             var rs = st.executeQuery("select count(*) from taskrunner_blobs")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "a deleted task's blobs leave the database");
        }
    }

    @Test
    void twoServersRacingToStartStopAndDeleteLeaveEveryTaskInOneFinalState() throws Exception {
        var p = pair();
        var a = p.a();
        var b = p.b();
        var onA = p.onA();
        var onB = p.onB();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 12; i++) ids.add(onA.createCsv("examples", "sleep", "ms\n20\n20\n20\n20\n20\n"));
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            KazooClient starter = i % 2 == 0 ? onA : onB;
            KazooClient stopper = i % 2 == 0 ? onB : onA;
            String path = onA.tasksPath() + "/" + id;
            threads.add(Thread.ofVirtual().start(() -> call(() -> starter.send("PATCH", path, null, null))));
            threads.add(Thread.ofVirtual().start(() -> call(() -> stopper.send("PATCH", path + "/stop", null, null))));
            threads.add(Thread.ofVirtual().start(() -> call(() -> stopper.send("DELETE", path, null, null))));
            threads.add(Thread.ofVirtual().start(() -> call(() -> starter.send("DELETE", path, null, null))));
        }
        for (Thread t : threads) t.join(Duration.ofSeconds(30));
        ServerFixture.await("no run left on either server", Duration.ofSeconds(10), () -> ids.stream().noneMatch(id ->
                a.server.services().tasks().runner().isActive(id) || b.server.services().tasks().runner().isActive(id)));
        for (String id : ids) {
            ServerFixture.await("both servers to agree on " + id, Duration.ofSeconds(5), () -> {
                var ra = call(() -> onA.get(onA.tasksPath() + "/" + id));
                var rb = call(() -> onB.get(onB.tasksPath() + "/" + id));
                if (ra.statusCode() != rb.statusCode()) return false;
                if (ra.statusCode() == 404) return true;
                var ta = call(() -> KazooClient.readOnly(ra));
                var tb = call(() -> KazooClient.readOnly(rb));
                return ta.equals(tb) && List.of("pending", "success", "stopped").contains(ta.get("status"));
            });
        }
    }

    @Test
    void failedLoginsAreCountedTogetherByEveryServer() throws Exception {
        var p = pair();
        var both = new Alternating(p.a(), p.b());
        for (int i = 0; i < taskrunner.auth.LoginThrottle.LIMIT; i++) {
            var r = both.send(both.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"wrong-" + i + "\"}}")));
            assertEquals(401, r.statusCode(), r.body());
        }
        for (ServerFixture s : List.of(p.a(), p.b())) { // five failures on each: the pair is refused on both
            var r = s.send(s.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")));
            assertEquals(429, r.statusCode(), r.body());
        }
    }

    @Test
    void oneUserNameCreatedThroughTwoServersAtOnceIsMadeOnce() throws Exception {
        var p = pair();
        for (int round = 0; round < 10; round++) {
            String name = "twin-" + round;
            var made = new java.util.concurrent.atomic.AtomicInteger();
            var threads = new ArrayList<Thread>();
            for (KazooClient via : List.of(p.onA(), p.onB(), p.onA(), p.onB())) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        var r = via.send("PUT", "/v2/accounts/" + via.accountId + "/users", "application/json",
                                "{\"data\":{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}}");
                        if (r.statusCode() == 201) made.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertEquals(1, made.get(), "one of four creations of " + name + " through two servers");
        }
    }

    @Test
    void entryStoreContextsCreatedThroughTwoServersAtOnceAreMadeOnceEach() throws Exception {
        var p = pair();
        var statuses = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
        var ids = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < 8; i++) {
            ServerFixture via = i % 2 == 0 ? p.a() : p.b();
            String query = i < 4 ? "?id=twin" : ""; // four under one id, four under numbers the servers choose
            threads.add(Thread.ofVirtual().start(() -> call(() -> {
                var r = via.send(via.request("/store/_contexts" + query).header("Cookie", "auth_token=" + p.onA().token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
                statuses.add(r.statusCode());
                if (r.statusCode() == 201) ids.add((String) ServerFixture.json(r.body()).get("entryId"));
                return null;
            })));
        }
        for (Thread t : threads) t.join();
        assertEquals(5, statuses.stream().filter(c -> c == 201).count(), "one twin and four numbered: " + statuses);
        assertEquals(3, statuses.stream().filter(c -> c == 409).count(), "the other twins: " + statuses);
        assertEquals(5, ids.size(), "no id given twice: " + ids);
    }

    @Test
    void aBackupOnPostgresIsRefusedNamingTheDatabasesOwnTool() throws Exception {
        var a = server(pg.newDatabase(), "node-a");
        var root = KazooClient.admin(a);
        var r = a.send(a.request("/admin/backup").header("X-Auth-Token", root.token).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(501, r.statusCode(), r.body());
        assertTrue(r.body().contains("pg_dump"), r.body());
    }

    @Test
    void aDatabaseThatCannotBeReachedStopsTheStartNamingItWithoutItsPassword() throws Exception {
        var data = Files.createTempDirectory("pg-unreachable");
        var exit = taskrunner.support.ChildServer.run(Duration.ofSeconds(60), "--port", "0", "--data", data.toString(),
                "--postgres", "jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=pw-not-to-log");
        assertNotEquals(0, exit.status(), exit.output());
        assertTrue(exit.output().contains("jdbc:postgresql://127.0.0.1:1/nowhere"), exit.output());
        assertTrue(exit.output().contains("--postgres"), exit.output());
        assertFalse(exit.output().contains("pw-not-to-log"), exit.output());
    }
}
