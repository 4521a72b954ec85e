package taskrunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.Tenants;
import taskrunner.support.SingleServer;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.support.Tenants.*;

/**
 * The cross-tenant matrix of the Kazoo face (and the server's own routes): for each
 * principal of {@link Tenants} and each route that reads or changes a task or the account
 * of tenant A, the answer, that a refusal is in Crossbar's envelope, and that the task is
 * unchanged as its owner reads it afterwards.
 *
 * <p>The rule as implemented (and as Kazoo's Crossbar does it): a token reaches its own
 * account and its descendants; every user of the account may read and change its tasks
 * (Kazoo Tasks has no per-user permission), but only admins create accounts and users. A
 * child (A1) does not reach its parent (A); a sibling (B) never. Tasks are looked up
 * under the URL's account, so the account-less {@code /v2/tasks/{id}} of the root admin
 * does not find A's task (Kazoo's "bad identifier"), and is 403 for everyone else. The
 * EntryScape and CKAN matrices are {@code entryscape.EsCrossTenantMatrixTest} and
 * {@code ckan.CkanCrossTenantMatrixTest}.
 */
class CrossTenantMatrixTest {
    static ServerFixture fx;
    static Tenants t;
    static KazooClient owner; // of the pass under way: A's admin, then A1's
    static String done; // the owner's finished task: input and output CSV
    static String ownerAccount;
    static Path backups;
    static int n; // numbers the names a cell creates, across passes

    /**
     * SHARED: any user of A may (reads, and task creation); FRESH: changes a task (a fresh
     * pending one per cell); RUNNING: stops a task (a fresh one per cell, running a long
     * row); ADMIN: only admins (account and user creation).
     */
    enum Kind { SHARED, FRESH, RUNNING, ADMIN }

    /** One row of the route table: {@code {A}} is A's account id, {@code {t}} the task. */
    record Route(String method, String path, String contentType, String body, Kind kind, int allowed) {
        @Override
        public String toString() {
            return method + " " + path + (kind == Kind.RUNNING ? " (running)" : "");
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/v2/accounts/{A}", null, null, Kind.SHARED, 200),
            new Route("GET", "/v2/accounts/{A}/users", null, null, Kind.SHARED, 200),
            new Route("PUT", "/v2/accounts/{A}/users", "application/json",
                    "{\"data\":{\"username\":\"u-{n}\",\"password\":\"pw\"}}", Kind.ADMIN, 201),
            new Route("PUT", "/v2/accounts/{A}", "application/json", "{\"data\":{\"name\":\"sub-{n}\"}}", Kind.ADMIN, 201),
            new Route("GET", "/v2/accounts/{A}/tasks", null, null, Kind.SHARED, 200),
            new Route("PUT", "/v2/accounts/{A}/tasks?category=examples&action=echo", "text/csv", "a\n1\n", Kind.SHARED, 201),
            new Route("GET", "/v2/accounts/{A}/tasks/{t}", null, null, Kind.SHARED, 200),
            new Route("GET", "/v2/accounts/{A}/tasks/{t}?accept=csv", null, null, Kind.SHARED, 200),
            new Route("GET", "/v2/accounts/{A}/tasks/{t}/input", null, null, Kind.SHARED, 200),
            new Route("GET", "/v2/accounts/{A}/tasks/{t}/output", null, null, Kind.SHARED, 200),
            new Route("PATCH", "/v2/accounts/{A}/tasks/{t}", null, null, Kind.FRESH, 200),
            new Route("PATCH", "/v2/accounts/{A}/tasks/{t}/stop", null, null, Kind.FRESH, 404), // allowed: "task is not running"
            new Route("PATCH", "/v2/accounts/{A}/tasks/{t}/stop", null, null, Kind.RUNNING, 200),
            new Route("DELETE", "/v2/accounts/{A}/tasks/{t}", null, null, Kind.FRESH, 200));

    /** The account-less paths: superduper only; the root admin's account does not hold A's task. */
    static final List<Route> ACCOUNTLESS = List.of(
            new Route("GET", "/v2/tasks/{t}", null, null, Kind.SHARED, 404),
            new Route("GET", "/v2/tasks/{t}/input", null, null, Kind.SHARED, 404),
            new Route("GET", "/v2/tasks/{t}/output", null, null, Kind.SHARED, 404),
            new Route("PATCH", "/v2/tasks/{t}", null, null, Kind.FRESH, 404),
            new Route("PATCH", "/v2/tasks/{t}/stop", null, null, Kind.FRESH, 404),
            new Route("PATCH", "/v2/tasks/{t}/stop", null, null, Kind.RUNNING, 404),
            new Route("DELETE", "/v2/tasks/{t}", null, null, Kind.FRESH, 404));

    @BeforeAll
    static void start() throws Exception {
        backups = Files.createTempDirectory("matrix-backups");
        fx = new ServerFixture(b -> b.configure(c -> c.backupDir(backups)));
        t = new Tenants(fx);
    }

    /** Makes {@code who}'s account the owner of the pass: a finished task of its own. */
    static void ownedBy(String who, String account) throws Exception {
        owner = new KazooClient(fx);
        owner.token = t.who.get(who).token();
        owner.accountId = account;
        ownerAccount = account;
        done = owner.createCsv("examples", "echo", "a,b\n1,2\n3,4\n");
        owner.start(done);
        assertEquals("success", owner.awaitFinished(done, Duration.ofSeconds(20)).get("status"));
    }

    /** A task of the owner's, started and running its one ten-minute row. */
    static String running() throws Exception {
        String id = owner.createCsv("examples", "sleep", "ms\n600000\n");
        owner.start(id);
        ServerFixture.await("task " + id + " executing", Duration.ofSeconds(20), () -> {
            try {
                return "executing".equals(owner.task(id).get("status"));
            } catch (Exception e) {
                return false;
            }
        });
        return id;
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
        try (var walk = Files.walk(backups)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The record as its owner sees it: the task JSON and both CSVs. */
    static List<String> snapshot(String task) throws Exception {
        var out = new ArrayList<String>();
        for (String p : new String[] {"", "/input", "/output"}) {
            var r = owner.get(owner.tasksPath() + "/" + task + p);
            // an error body has its own request_id: only a 200's body is the record
            out.add(r.statusCode() != 200 ? String.valueOf(r.statusCode()) : p.isEmpty() ? KazooClient.readOnly(r).toString() : r.body());
        }
        return out;
    }

    static HttpResponse<String> send(Route r, String token, String task, int n) throws Exception {
        String path = r.path().replace("{A}", ownerAccount).replace("{t}", task);
        String body = r.body() == null ? null : r.body().replace("{n}", Integer.toString(n));
        var b = fx.request(path).method(r.method(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("X-Auth-Token", token);
        if (r.contentType() != null) b.header("Content-Type", r.contentType());
        return fx.send(b);
    }

    static int expected(Route r, String who) {
        if (who.equals(ANON)) return 401;
        if (!(ownerAccount.equals(t.a) ? reachesA(who) : reachesA1(who))) return 403;
        if (r.kind() == Kind.ADMIN && (who.equals(A_USER) || who.equals(A_KEY))) return 403;
        return r.allowed();
    }

    static int expectedAccountless(Route r, String who) {
        if (who.equals(ANON)) return 401;
        return who.equals(ROOT) || who.equals(ROOT_KEY) ? r.allowed() : 403;
    }

    @Test
    void onAsRecordsEveryPrincipalGetsItsAnswerAndRefusalsChangeNothing() throws Exception {
        ownedBy(A_ADMIN, t.a);
        matrix();
    }

    /** A's principals are ancestors here: they reach the child's records; B still does not. */
    @Test
    void onA1sRecordsEveryPrincipalGetsItsAnswerAndRefusalsChangeNothing() throws Exception {
        ownedBy(A1_ADMIN, t.a1);
        matrix();
    }

    static void matrix() throws Exception {
        var failures = new ArrayList<String>();
        int cells = 0;
        for (var pair : List.of(Map.entry(ROUTES, true), Map.entry(ACCOUNTLESS, false))) {
            for (Route r : pair.getKey()) {
                for (var who : t.who.values()) {
                    cells++;
                    n++;
                    String task = switch (r.kind()) {
                        case FRESH -> owner.createCsv("examples", "echo", "a\n" + n + "\n");
                        case RUNNING -> running();
                        default -> done;
                    };
                    var before = snapshot(task);
                    int want = pair.getValue() ? expected(r, who.name()) : expectedAccountless(r, who.name());
                    var res = send(r, who.token(), task, n);
                    String cell = who.name() + " × " + r + " (owner " + (ownerAccount.equals(t.a) ? "A" : "A1") + "): ";
                    if (res.statusCode() != want) failures.add(cell + "wanted " + want + ", got " + res.statusCode() + " " + res.body());
                    if (want == 401 || want == 403) {
                        var json = ServerFixture.json(res.body());
                        if (!String.valueOf(want).equals(json.get("error")) || !"error".equals(json.get("status"))) {
                            failures.add(cell + "refusal outside Crossbar's envelope: " + res.body());
                        }
                    }
                    boolean changes = (r.kind() == Kind.FRESH || r.kind() == Kind.RUNNING) && res.statusCode() == 200;
                    if (!changes && !before.equals(snapshot(task))) failures.add(cell + "the task changed");
                    if (r.kind() == Kind.RUNNING && !changes) {
                        var stop = owner.send("PATCH", owner.tasksPath() + "/" + task + "/stop", null, null);
                        assertEquals(200, stop.statusCode(), "the owner stops its task: " + stop.body());
                    }
                    if (r.kind() == Kind.RUNNING && changes) {
                        assertEquals("stopped", owner.task(task).get("status"), cell + "the stop took");
                    }
                    if (task != done && (!changes || r.kind() == Kind.RUNNING)) {
                        owner.send("DELETE", owner.tasksPath() + "/" + task, null, null);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), cells + " cells, failures:\n" + String.join("\n", failures));
    }

    @SingleServer("POST /admin/backup copies the data directory's records; with --postgres they are in PostgreSQL (pg_dump) and the backup is refused")
    @Test
    void backupIsForRootAdminsOnlyAndHealthzForAnyone() throws Exception {
        var failures = new ArrayList<String>();
        for (var who : t.who.values()) {
            var b = fx.request("/admin/backup").POST(HttpRequest.BodyPublishers.noBody());
            if (who.token() != null) b.header("X-Auth-Token", who.token());
            var res = fx.send(b);
            int want = who.name().equals(ANON) ? 401 : who.name().equals(ROOT) || who.name().equals(ROOT_KEY) ? 200 : 403;
            if (res.statusCode() != want) failures.add(who.name() + " × POST /admin/backup: wanted " + want + ", got " + res.statusCode());
            var h = fx.request("/healthz").GET();
            if (who.token() != null) h.header("X-Auth-Token", who.token());
            int health = fx.send(h).statusCode();
            if (health != 200) failures.add(who.name() + " × GET /healthz: " + health);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
