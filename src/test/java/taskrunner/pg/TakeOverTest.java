package taskrunner.pg;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import taskrunner.entryscape.ScapeClient;
import taskrunner.support.ChildServer;
import taskrunner.support.FaceTasks;
import taskrunner.support.KazooClient;
import taskrunner.support.Postgres;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static taskrunner.support.Unchecked.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers as separate processes on one PostgreSQL, with leases of two seconds: server A is
 * killed (SIGKILL) or paused (SIGSTOP) while it runs tasks, and server B takes them over as the
 * face's recovery policy says; every row is in the output exactly once, so no row ran on both.
 */
class TakeOverTest {
    @RegisterExtension
    static final Postgres pg = new Postgres();
    static final Duration TAKE_OVER = Duration.ofSeconds(20); // a 2 s lease, found within a second, plus a slow machine

    private static String[] flags(String url, String node) {
        return new String[] {"--postgres", url, "--node", node, "--lease-s", "2", "--row-delay-ms", "20",
                "--checkpoint-rows", "10"};
    }

    private static ChildServer server(String url, String node) throws Exception {
        return ChildServer.start(Files.createTempDirectory("take-over-" + node), flags(url, node));
    }

    /** The three tasks started on A, one per face, and clients of B to follow them. */
    private record OnA(String kazoo, String ckanJob, String ckanKey, String esJob, String datasetId,
                       KazooClient kazooB, FaceTasks facesB, ScapeClient esB) {}

    /**
     * Starts on A: a Kazoo row task of 500 rows of 20 ms (10 s; resumed from its last checkpoint
     * elsewhere), a CKAN async sleep job of 8 s (its type is safe to run again: run again
     * elsewhere), an EntryScape file of 400 rows loaded into its API's dataset at 20 ms a row
     * (8 s; requeued elsewhere); returns once all three run on A and the row task passed a
     * checkpoint.
     */
    private static OnA threeRunningOn(ChildServer a, ChildServer b) throws Exception {
        var onA = KazooClient.admin(a);
        var onB = new KazooClient(b);
        onB.token = onA.token;
        onB.accountId = onA.accountId;
        String kazoo = onA.createCsv("examples", "echo", FaceTasks.csv(500));
        onA.start(kazoo);
        var submit = a.send(a.request("/job/takeover-sleep").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("job_type", "sleep",
                        "api_key", FaceTasks.CKAN_API_KEY, "data", Map.of("time", 8))))));
        assertEquals(200, submit.statusCode(), submit.body());
        String jobKey = (String) ServerFixture.json(submit.body()).get("job_key");
        var esA = new ScapeClient(() -> a.uri);
        String admin = esA.admin();
        var cat = esA.catalog(admin, "takeover", ScapeClient.rows("station,value", "old", 1, 4));
        var added = esA.addFile(admin, cat.distUri(), "new.csv", ScapeClient.rows("station,value", "new", 1, 400));
        assertEquals(200, added.statusCode(), added.body());
        String esJob = (String) ServerFixture.json(added.body()).get("jobId");
        var on = new OnA(kazoo, "takeover-sleep", jobKey, esJob, cat.datasetId(), onB, new FaceTasks(b, a.uri),
                new ScapeClient(() -> b.uri));
        var seen = new java.util.concurrent.atomic.AtomicReference<String>();
        try {
            ServerFixture.await("every task running on A, a checkpoint passed", Duration.ofSeconds(20), () -> call(() -> {
                var kt = onB.task(kazoo);
                var cj = on.facesB().ckanJob(on.ckanJob(), jobKey);
                var ej = on.esB().job(esJob);
                seen.set(kt + " / " + cj + " / " + ej);
                return "executing".equals(kt.get("status")) && count(kt) >= 20 && !"complete".equals(cj.get("status"))
                        && "Running".equals(ej.get("status"));
            }));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + seen.get(), e);
        }
        return on;
    }

    /** All three ended well through B, taken over from A, each row once; returns the Kazoo task as B ends it. */
    private static Map<String, Object> finishedByB(OnA on, ChildServer b) throws Exception {
        var onB = on.kazooB();
        var k = onB.awaitFinished(on.kazoo(), Duration.ofSeconds(60));
        assertEquals("success", k.get("status"), k.toString());
        assertEquals("node-b", k.get("node"), "Kazoo's node is the server that ran it to its end");
        var out = onB.get(onB.tasksPath() + "/" + on.kazoo() + "/output", "text/csv");
        assertEquals(200, out.statusCode(), out.body());
        List<String> rows = out.body().lines().filter(l -> l.contains("row-")).toList();
        assertEquals(500, rows.size(), "each row once");
        assertEquals(500, Set.copyOf(rows).size(), "each row once");

        ServerFixture.await("the CKAN job to complete on B", Duration.ofSeconds(30),
                () -> call(() -> "complete".equals(on.facesB().ckanJob(on.ckanJob(), on.ckanKey()).get("status"))));
        var job = on.esB().awaitJob(on.esJob());
        assertEquals("Success", job.get("status"), job.toString());
        var q = on.esB().query("/rowstore/dataset/" + on.datasetId() + "/json?_limit=500");
        assertEquals(404, q.get("resultCount"), "the old rows and each new row once: " + q);

        String log = b.output();
        for (String id : List.of(on.kazoo(), on.ckanJob(), on.esJob())) {
            assertTrue(log.contains("task " + id + " taken over from node-a"), id + " in " + log);
        }
        return k;
    }

    @Test
    void aKilledServersTasksOfEveryFaceAreFinishedByTheOtherEachRowOnce() throws Exception {
        String url = pg.newDatabase();
        try (var a = server(url, "node-a"); var b = server(url, "node-b")) {
            var on = threeRunningOn(a, b);
            long killed = System.nanoTime();
            a.kill();
            finishedByB(on, b);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertTrue(tookMs < 60_000, "all three ended within a minute of the kill: " + tookMs + " ms");
        }
    }

    @Test
    void aPausedServerWhoseTasksWereTakenOverWritesNothingOfThemWhenItWakes() throws Exception {
        String url = pg.newDatabase();
        try (var a = server(url, "node-a"); var b = server(url, "node-b")) {
            var on = threeRunningOn(a, b);
            signal("STOP", a.process.pid()); // a long GC pause, a frozen VM: A still thinks it runs the tasks
            try {
                ServerFixture.await("B to take the row task over", TAKE_OVER,
                        () -> b.output().contains("task " + on.kazoo() + " taken over from node-a"));
                ServerFixture.await("B to pass a checkpoint of its own", TAKE_OVER,
                        () -> call(() -> count(on.kazooB().task(on.kazoo())) >= 100));
            } finally {
                signal("CONT", a.process.pid());
            }
            ServerFixture.await("A to learn it lost the leases", TAKE_OVER,
                    () -> a.output().contains("task " + on.kazoo() + ": this server lost its lease"));
            var done = finishedByB(on, b); // each row once: A wrote nothing of them after the take-over
            var onA = new KazooClient(a);
            onA.token = on.kazooB().token;
            onA.accountId = on.kazooB().accountId;
            assertEquals(done, onA.task(on.kazoo()), "A, awake again, reads B's end, not one of its own");
            var r = a.send(a.request("/taskrunner/v1/job/" + on.esJob()).GET());
            assertEquals("Success", ServerFixture.json(r.body()).get("status"), "A serves again: " + r.body());
        }
    }

    @Test
    void aCallbackOwedByAKilledServerIsSentByTheOther() throws Exception {
        String url = pg.newDatabase();
        var posts = new java.util.concurrent.LinkedBlockingQueue<String>();
        var received = new java.util.concurrent.atomic.AtomicInteger();
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            boolean first = received.getAndIncrement() == 0;
            posts.add(body);
            if (first) return; // never answered: the server that sent it dies waiting
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (var a = server(url, "node-a"); var b = server(url, "node-b")) {
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            var submit = a.send(a.request("/job/owed-callback").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("job_type", "sleep",
                            "api_key", FaceTasks.CKAN_API_KEY, "data", Map.of("time", 0), "result_url", hook)))));
            assertEquals(200, submit.statusCode(), submit.body());
            String first = posts.poll(30, TimeUnit.SECONDS);
            assertTrue(first != null && first.contains("owed-callback"), "A sent the callback: " + first);
            a.kill();
            String second = posts.poll(30, TimeUnit.SECONDS);
            assertTrue(second != null && second.contains("owed-callback") && second.contains("complete"),
                    "B sent it again after A died: " + second);
            assertTrue(b.output().contains("task owed-callback taken over from node-a for its end"), b.output());
            ServerFixture.await("B to record the delivery and give the lease back", Duration.ofSeconds(10),
                    () -> call(() -> !leased(url, "owed-callback")));
            assertEquals(2, received.get(), "sent once by each server");
        } finally {
            receiver.stop(0);
        }
    }

    /** Whether a server holds the task's lease (a CKAN job's is held until its callback is recorded). */
    private static boolean leased(String url, String task) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(url);
             var ps = c.prepareStatement("select count(*) from taskrunner_leases where task = ?")) {
            ps.setString(1, task);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** A Kazoo task's rows done as the database has them (0 before the first checkpoint). */
    private static long count(Map<String, Object> task) {
        return task.get("success_count") instanceof Number n ? n.longValue() : 0;
    }

    private static void signal(String sig, long pid) throws Exception {
        var p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig);
    }

}
