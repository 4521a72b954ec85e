package taskrunner.ui;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.Tenants;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /ui/api} over real HTTP: each principal of the cross-tenant tree sees exactly the
 * tasks its account may reach on every face (a Kazoo task in A, A1 and B, an EntryScape job
 * in A, a CKAN job of no account), lists and single reads agree, filters narrow, and errors
 * come in {@code {"error": ...}}.
 */
class DashboardApiTest {
    static ServerFixture fx;
    static Tenants t;
    static String inA, inA1, inB, scapeInA, ckanJob;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        t = new Tenants(fx);
        var root = new KazooClient(fx);
        root.token = t.who.get(Tenants.ROOT).token();
        inA = kazooTask(root, t.a);
        inA1 = kazooTask(root, t.a1);
        inB = kazooTask(root, t.b);
        ckanJob = FaceJobs.ckanEcho(fx, ">fails");
        scapeInA = FaceJobs.scapeAddFile(fx, "m-a-admin", "pw-m-a-admin", "ui-api");
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static String kazooTask(KazooClient as, String account) throws Exception {
        var r = as.send("PUT", "/v2/accounts/" + account + "/tasks?category=examples&action=echo", "text/csv", "name\nx\n");
        assertEquals(201, r.statusCode(), r.body());
        return (String) KazooClient.readOnly(r).get("id");
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        var b = fx.request(path).GET();
        if (token != null) b.header("X-Auth-Token", token);
        return fx.send(b);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tasks(String query, String token) throws Exception {
        var r = get("/ui/api/tasks" + query, token);
        assertEquals(200, r.statusCode(), r.body());
        return (List<Map<String, Object>>) ServerFixture.json(r.body()).get("tasks");
    }

    private static Set<String> ids(List<Map<String, Object>> tasks) {
        var s = new HashSet<String>();
        for (var task : tasks) s.add((String) task.get("id"));
        return s;
    }

    /** What each principal may see: its account's tasks and its descendants'; CKAN's only for superduper. */
    private static Set<String> expected(String who) {
        var s = new HashSet<String>();
        if (Tenants.reachesA(who)) s.addAll(List.of(inA, scapeInA));
        if (Tenants.reachesA1(who)) s.add(inA1);
        if (who.equals(Tenants.ROOT) || who.equals(Tenants.ROOT_KEY) || who.startsWith("B-")) s.add(inB);
        if (who.equals(Tenants.ROOT) || who.equals(Tenants.ROOT_KEY)) s.add(ckanJob);
        return s;
    }

    @Test
    void everyPrincipalSeesExactlyTheTasksItsAccountMayReach() throws Exception {
        var all = List.of(inA, inA1, inB, scapeInA, ckanJob);
        var wrong = new ArrayList<String>();
        for (var who : t.who.values()) {
            if (who.token() == null) continue;
            Set<String> want = expected(who.name());
            Set<String> listed = ids(tasks("", who.token()));
            if (!listed.equals(want)) wrong.add(who.name() + " lists " + listed + ", expected " + want);
            for (String id : all) {
                int status = get("/ui/api/tasks/" + id, who.token()).statusCode();
                if (status != (want.contains(id) ? 200 : 404)) wrong.add(who.name() + " reads " + id + ": " + status);
            }
            var summary = ServerFixture.json(get("/ui/api/summary", who.token()).body());
            if (((Number) summary.get("total")).intValue() != want.size()) wrong.add(who.name() + " counts " + summary.get("total"));
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void withoutAValidTokenEveryRouteIs401InTheEnvelope() throws Exception {
        for (String path : List.of("/ui/api/tasks", "/ui/api/tasks/" + inA, "/ui/api/summary")) {
            for (String token : new String[] {null, "not-a-token"}) {
                var r = get(path, token);
                assertEquals(401, r.statusCode(), path);
                assertTrue(ServerFixture.json(r.body()).get("error") instanceof String, r.body());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTaskReadsTheSameOnEveryFaceShape() throws Exception {
        String root = t.who.get(Tenants.ROOT).token();
        var kazoo = (Map<String, Object>) ServerFixture.json(get("/ui/api/tasks/" + inA, root).body()).get("task");
        assertEquals("kazoo", kazoo.get("face"));
        assertEquals("examples/echo", kazoo.get("type"));
        assertEquals(Map.of("id", t.a, "name", "tenant-a"), kazoo.get("account"));
        assertEquals("pending", kazoo.get("status"));
        assertEquals("pending", kazoo.get("face_status"));
        assertEquals(1, ((Map<String, Object>) kazoo.get("progress")).get("total"));
        assertEquals(true, kazoo.get("has_input"));
        assertTrue(kazoo.get("created") instanceof Number);

        ServerFixture.await("the CKAN job to end", java.time.Duration.ofSeconds(20), () -> {
            try {
                return "failed".equals(task(ckanJob, root).get("status"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        var ckan = task(ckanJob, root);
        assertEquals("error", ckan.get("face_status"));
        assertEquals("Do not start message with >", ckan.get("error"), "the job's error, from the face's own state");
        assertNull(ckan.get("account"));
        assertEquals("entryscape", task(scapeInA, root).get("face"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> task(String id, String token) throws Exception {
        return (Map<String, Object>) ServerFixture.json(get("/ui/api/tasks/" + id, token).body()).get("task");
    }

    @Test
    void filtersNarrowWhatThePrincipalSees() throws Exception {
        String root = t.who.get(Tenants.ROOT).token();
        assertEquals(Set.of(ckanJob), ids(tasks("?face=ckan", root)));
        assertEquals(Set.of(inA, scapeInA), ids(tasks("?account=" + t.a, root)));
        assertEquals(Set.of(inA), ids(tasks("?account=" + t.a + "&face=kazoo", root)));
        assertEquals(Set.of(inA, inA1, inB), ids(tasks("?status=pending", root)));
        assertEquals(Set.of(), ids(tasks("?account=" + t.a, t.who.get(Tenants.B_ADMIN).token())),
                "a filter on another account shows nothing of it");
        var one = ServerFixture.json(get("/ui/api/tasks?limit=1", root).body());
        assertEquals(1, ((List<?>) one.get("tasks")).size());
        assertEquals(5, one.get("matched"));
        for (String bad : List.of("?face=nope", "?status=executing", "?limit=0", "?limit=x")) {
            var r = get("/ui/api/tasks" + bad, root);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(ServerFixture.json(r.body()).get("error") instanceof String, r.body());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSummaryCountsByStatusAndNamesTheCaller() throws Exception {
        var s = ServerFixture.json(get("/ui/api/summary", t.who.get(Tenants.A_USER).token()).body());
        var you = (Map<String, Object>) s.get("you");
        assertEquals("m-a-user", you.get("user"));
        assertEquals(false, you.get("superduper"));
        var counts = (Map<String, Object>) s.get("counts");
        assertEquals(Set.of("pending", "queued", "running", "done", "failed", "stopped"), counts.keySet());
        assertEquals(3, counts.values().stream().mapToInt(n -> ((Number) n).intValue()).sum());
        assertEquals(counts.get("queued"), s.get("queue_depth"));
        var accounts = new HashSet<Object>();
        for (var a : (List<Map<String, Object>>) s.get("accounts")) accounts.add(a.get("name"));
        assertEquals(Set.of("tenant-a", "tenant-a1"), accounts);
    }

    @Test
    void signingOutRevokesTheToken() throws Exception {
        String token = new KazooClient(fx).login("m-b-user", "pw-m-b-user").token;
        assertEquals(200, get("/ui/api/summary", token).statusCode());
        var r = fx.send(fx.request("/ui/api/token").header("X-Auth-Token", token).DELETE());
        assertEquals(204, r.statusCode());
        assertEquals(401, get("/ui/api/summary", token).statusCode());
        var kazoo = new KazooClient(fx);
        kazoo.token = token;
        assertEquals(401, kazoo.get("/v2/accounts/" + t.b).statusCode(), "no longer a token on any face");
    }

    @Test
    void unknownApiPathsAre404InTheEnvelope() throws Exception {
        var r = get("/ui/api/nothing", t.who.get(Tenants.ROOT).token());
        assertEquals(404, r.statusCode());
        assertEquals(Map.of("error", "not found"), ServerFixture.json(r.body()));
    }
}
