package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.Tenants;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.support.Tenants.*;

/**
 * The cross-tenant matrix of the EntryScape face: every principal of {@link Tenants}, with
 * its EntryStore cookie ({@code /store/auth/cookie}; the api_key principals put their core
 * token in the cookie), and every principal's core token in {@code X-Auth-Token} instead
 * (which EntryStore does not read: a guest), on every EntryStore, RowStore and Taskrunner route that reads or
 * changes tenant A's context, entries, file, dataset, pipeline or job. Contexts are private to the
 * owner account and its ancestors (reads too: one account never sees another's catalog);
 * every user of the account may change them (only creating a context takes an admin);
 * RowStore dataset reads are public as in RowStore (through EntryStore's proxy too), running a
 * pipeline takes write rights on its context, and a job's status is readable by its
 * 128-bit id without a cookie, as the production scripts call it (entryscape.md 1.3). A
 * refusal is EntryStore's {@code {"error": ...}}; the record, re-read by A's admin, is
 * unchanged. Search answers everyone, and only those who reach A find A's entries, contexts
 * and users in it; a user entry is read as a context is.
 *
 * <p>The links-point-elsewhere paths ({@link EsCrossTenantJobTest} for B's admin) are run
 * here for every principal that does not reach A: A1's admin (a child), B's admin and
 * B's plain user.
 */
class EsCrossTenantMatrixTest {
    static ServerFixture fx;
    static ScapeClient c;
    static Tenants t;
    /** The matrix's principals, each with its cookie, and a cookie holding no valid token. */
    static final Map<String, String> cookie = new LinkedHashMap<>();
    static final String STALE = "stale-cookie";
    static final String VIA_HEADER = " via X-Auth-Token";
    static String owner;
    static ScapeClient.Catalog a;
    static String aJob;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        t = new Tenants(fx);
        for (var w : t.who.values()) {
            cookie.put(w.name(), w.username() == null ? w.token() : c.login(w.username(), w.password()));
        }
        cookie.put(STALE, "not-a-token-" + System.nanoTime());
        // EntryStore reads only its cookie: a core token in X-Auth-Token makes a guest of anyone.
        for (var w : t.who.values()) if (w.token() != null) cookie.put(w.name() + VIA_HEADER, ScapeClient.AS_HEADER + w.token());
        owner = cookie.get(A_ADMIN);
        a = c.catalog(owner, "a-ctx", ScapeClient.rows("station,value", "a", 1, 3));
        var res = c.addFile(owner, a.distUri(), "second.csv", ScapeClient.rows("station,value", "a", 4, 5));
        assertEquals(200, res.statusCode(), res.body());
        aJob = (String) ServerFixture.json(res.body()).get("jobId");
        assertEquals("Success", c.awaitJob(aJob).get("status"));
        c.pipeline(owner, "a-ctx", "rowstorePipeline", Map.of("action", "create"));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** Who may: PRIVATE, A's principals and ancestors; PUBLIC, anyone; FILTERED, anyone, but A's records only for PRIVATE's. */
    enum Rule { PRIVATE, PUBLIC, FILTERED }

    /** What only A's principals and ancestors may see in a FILTERED answer: A's context and A's users. */
    static final List<String> A_MARKS = List.of("a-ctx", "\"m-a-admin\"", "\"m-a-user\"");

    /**
     * One row: {@code {ctx}}, {@code {ds}}, {@code {job}} are A's; {@code {v}} a victim made
     * fresh per cell by A's admin (an entry with a file for EntryStore routes, a dataset for
     * RowStore routes) when the route changes it. body: JSON, or "csv:..." / "file:..." for a
     * CSV body or a multipart file.
     */
    record Route(String method, String path, String body, Rule rule, int allowed) {
        boolean fresh() {
            return path.contains("{v}");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final String META = "{\"" + "{base}store/a-ctx/resource/{v}\":{\"http://purl.org/dc/terms/title\":[{\"type\":\"literal\",\"value\":\"x\"}]}}";

    /** A's rowstore pipeline (action create) on A's first file. */
    static final String EXECUTE = "{\"pipeline\":\"{base}store/a-ctx/entry/rowstorePipeline\",\"source\":\"{base}store/a-ctx/entry/file1\"}";

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/store/_contexts/entry/{ctx}", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/{ctx}", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/{ctx}/entry/dist", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/{ctx}/metadata/dist", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/{ctx}/relations/dist", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/{ctx}/resource/file1", null, Rule.PRIVATE, 200),
            new Route("POST", "/store/{ctx}", "{\"metadata\":{}}", Rule.PRIVATE, 201),
            new Route("PUT", "/store/{ctx}/metadata/{v}", META, Rule.PRIVATE, 204),
            new Route("PUT", "/store/{ctx}/resource/{v}", "file:x\n1\n", Rule.PRIVATE, 201),
            new Route("DELETE", "/store/{ctx}/entry/{v}", null, Rule.PRIVATE, 204),
            new Route("POST", "/store/{ctx}/execute", EXECUTE, Rule.PRIVATE, 201),
            new Route("GET", "/store/proxy?url={dsinfo}", null, Rule.PUBLIC, 200),
            new Route("GET", "/store/_principals/entry/{user}", null, Rule.PRIVATE, 200),
            new Route("GET", "/store/search?type=solr&query=*:*", null, Rule.FILTERED, 200),
            new Route("GET", "/store/search?type=solr&query=context:{ctxuri}", null, Rule.FILTERED, 200),
            new Route("GET", "/rowstore/status", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/datasets", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/dataset/{ds}", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/dataset/{ds}/json", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/dataset/{ds}/info", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/dataset/{ds}/swagger", null, Rule.PUBLIC, 200),
            new Route("GET", "/rowstore/dataset/{ds}/aliases", null, Rule.PUBLIC, 200),
            new Route("PUT", "/rowstore/dataset/{v}", "csv:station,value\nz,1\n", Rule.PRIVATE, 202),
            new Route("POST", "/rowstore/dataset/{v}", "csv:station,value\nz,1\n", Rule.PRIVATE, 202),
            new Route("DELETE", "/rowstore/dataset/{v}", null, Rule.PRIVATE, 204),
            new Route("PUT", "/rowstore/dataset/{v}/aliases", "[\"al{n}\"]", Rule.PRIVATE, 204),
            new Route("POST", "/rowstore/dataset/{v}/aliases", "[\"al{n}\"]", Rule.PRIVATE, 204),
            new Route("DELETE", "/rowstore/dataset/{v}/aliases", null, Rule.PRIVATE, 204),
            new Route("GET", "/taskrunner/v1/job/{job}", null, Rule.PUBLIC, 200),
            new Route("POST", "/taskrunner/v1/distribution/addFile?resourceURI={dist}", "file:station,value\nq,1\n", Rule.PRIVATE, 200),
            new Route("POST", "/taskrunner/v1/distribution/replaceFile?resourceURI={file}", "file:station,value\nq,1\n", Rule.PRIVATE, 200));

    static int expected(Route r, String who) {
        if (r.rule() == Rule.FILTERED) return who.equals(STALE) ? 401 : r.allowed(); // a bad cookie is refused, no cookie is a guest
        if (r.rule() == Rule.PUBLIC || reachesA(who)) return r.allowed();
        return who.equals(ANON) || who.equals(STALE) || who.endsWith(VIA_HEADER) ? 401 : 403;
    }

    /** A victim for a changing route: an entry with a file in A's context, or a loaded dataset of A's. */
    static String victim(Route r, int n) throws Exception {
        if (r.path().startsWith("/rowstore")) {
            var res = c.csv("POST", "/rowstore/datasets", owner, "station,value\nv" + n + ",1\n");
            assertEquals(202, res.statusCode(), res.body());
            String id = (String) ServerFixture.json(res.body()).get("id");
            awaitLoaded(id);
            return id;
        }
        String id = "v" + n;
        var res = c.json("POST", "/store/a-ctx?id=" + id, owner, Map.of("metadata", Map.of()));
        assertEquals(201, res.statusCode(), res.body());
        res = c.upload("PUT", "/store/a-ctx/resource/" + id, owner, "file", "v.csv", "text/csv", "v\n" + n + "\n");
        assertEquals(201, res.statusCode(), res.body());
        return id;
    }

    static void awaitLoaded(String ds) throws InterruptedException {
        ServerFixture.await("dataset " + ds + " loaded", Duration.ofSeconds(20), () -> {
            try {
                Object s = ServerFixture.json(c.get("/rowstore/dataset/" + ds + "/info", null).body()).get("status");
                return s instanceof Number x && (x.intValue() == 3 || x.intValue() == 4);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A's records as A's admin reads them: the context's entries with metadata and files, the dataset's rows, the victim. */
    static List<String> snapshot(String v) throws Exception {
        var out = new ArrayList<String>();
        for (String p : new String[] {"/store/a-ctx/metadata/dist", "/store/a-ctx/metadata/file1", "/store/a-ctx/metadata/api",
                "/store/a-ctx/resource/file1", "/rowstore/dataset/" + a.datasetId() + "/json?_limit=100",
                "/rowstore/dataset/" + a.datasetId() + "/aliases"}) {
            out.add(body(c.get(p, owner)));
        }
        if (v != null && v.startsWith("v")) {
            out.add(body(c.get("/store/a-ctx/metadata/" + v, owner)));
            out.add(body(c.get("/store/a-ctx/resource/" + v, owner)));
        } else if (v != null) {
            out.add(body(c.get("/rowstore/dataset/" + v + "/json", owner)));
            out.add(body(c.get("/rowstore/dataset/" + v + "/aliases", owner)));
        }
        return out;
    }

    static String diff(List<String> before, List<String> after) {
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) return before.get(i) + " -> " + after.get(i);
        }
        return "";
    }

    static String body(HttpResponse<String> r) {
        return r.statusCode() + " " + r.body().replaceAll("\"queryTime\":\\d+", ""); // a query's own timing is not the record
    }

    static HttpResponse<String> send(Route r, String token, String v, int n) throws Exception {
        String path = r.path().replace("{ctx}", "a-ctx").replace("{ds}", a.datasetId()).replace("{job}", aJob)
                .replace("{v}", v == null ? "" : v).replace("{dist}", ScapeClient.enc(a.distUri()))
                .replace("{file}", ScapeClient.enc(a.fileUri())).replace("{dsinfo}", ScapeClient.enc(a.datasetUrl() + "/info"))
                .replace("{user}", fx.server.services().identity().userByName("m-a-admin").id())
                .replace("{ctxuri}", ScapeClient.enc((c.base() + "store/a-ctx").replace(":", "\\:")));
        String body = r.body() == null ? null : r.body().replace("{n}", Integer.toString(n)).replace("{base}", c.base())
                .replace("{v}", v == null ? "" : v);
        if (body != null && body.startsWith("file:")) {
            return c.upload(r.method(), path, token, "file", "m" + n + ".csv", "text/csv", body.substring(5));
        }
        if (body != null && body.startsWith("csv:")) return c.csv(r.method(), path, token, body.substring(4));
        if (body == null && r.method().equals("GET")) return c.get(path, token);
        return c.json(r.method(), path, token, body == null ? "" : body);
    }

    @Test
    void everyPrincipalGetsItsAnswerOnEveryRouteAndRefusalsChangeNothing() throws Exception {
        var failures = new ArrayList<String>();
        int cells = 0;
        int n = 0;
        for (Route r : ROUTES) {
            for (String who : cookie.keySet()) {
                cells++;
                n++;
                String v = r.fresh() ? victim(r, n) : null;
                var before = snapshot(v);
                int want = expected(r, who);
                var res = send(r, cookie.get(who), v, n);
                String cell = who + " × " + r + ": ";
                if (res.statusCode() != want) failures.add(cell + "wanted " + want + ", got " + body(res));
                if (r.rule() == Rule.FILTERED && !reachesA(who)) {
                    for (String mark : A_MARKS) if (res.body().contains(mark)) failures.add(cell + "A's records in the answer: " + mark);
                }
                if (r.rule() == Rule.FILTERED && reachesA(who) && !res.body().contains("a-ctx")) {
                    failures.add(cell + "A's own records missing from the answer: " + body(res));
                }
                if (want == 401 || want == 403) {
                    Object error = res.body().isEmpty() ? null : ServerFixture.json(res.body()).get("error");
                    if (!(error instanceof String)) failures.add(cell + "refusal outside EntryStore's envelope: " + body(res));
                }
                if (res.statusCode() == 200 && r.path().startsWith("/taskrunner/v1/distribution")) {
                    c.awaitJob((String) ServerFixture.json(res.body()).get("jobId"));
                }
                boolean changes = !r.method().equals("GET") && res.statusCode() == r.allowed();
                var after = snapshot(v);
                if (!changes && !before.equals(after)) failures.add(cell + "A's records changed: " + diff(before, after));
            }
        }
        assertTrue(failures.isEmpty(), cells + " cells, failures:\n" + String.join("\n", failures));
    }

    /**
     * The two critical paths for every principal that does not reach A: its own
     * distribution's links re-pointed at A's dataset (addFile) or at A's private file
     * (replaceFile). A1's and B's admins have their own catalogs; B's plain user works in
     * B's admin's.
     */
    @Test
    void noPrincipalOutsideAReachesAsDatasetOrFileThroughItsOwnLinks() throws Exception {
        var failures = new ArrayList<String>();
        var secret = c.catalog(owner, "a-secret", ScapeClient.rows("station,value", "secret", 1, 3));
        int rowsBefore = ((Number) c.query("/rowstore/dataset/" + secret.datasetId() + "/json").get("resultCount")).intValue();
        int n = 0;
        for (String[] row : new String[][] {{A1_ADMIN, A1_ADMIN}, {B_ADMIN, B_ADMIN}, {B_USER, B_ADMIN}}) {
            String who = cookie.get(row[0]);
            String catalogOwner = cookie.get(row[1]);
            n++;
            var mine = c.catalog(catalogOwner, "x-add-" + n, ScapeClient.rows("station,value", "m", 1, 2));
            var res = c.json("PUT", "/store/" + mine.ctx() + "/metadata/api", who, Map.of(mine.apiUri(), Map.of(
                    ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ScapeClient.DCAT + "Distribution")),
                    ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(secret.datasetUrl())),
                    ScapeClient.DCT + "source", List.of(ScapeClient.uri(mine.distUri())))));
            assertEquals(204, res.statusCode(), row[0] + " relinks its API distribution: " + res.body());
            res = c.addFile(who, mine.distUri(), "evil.csv", ScapeClient.rows("station,value", "evil", 1, 2));
            String outcome = outcome(res);
            if (!outcome.equals("refused")) failures.add(row[0] + " × addFile to A's dataset: " + outcome);

            var other = c.catalog(catalogOwner, "x-read-" + n, ScapeClient.rows("station,value", "m", 1, 2));
            res = c.json("PUT", "/store/" + other.ctx() + "/metadata/dist", who, Map.of(other.distUri(), Map.of(
                    ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ScapeClient.DCAT + "Distribution")),
                    ScapeClient.DCAT + "downloadURL", List.of(ScapeClient.uri(other.fileUri()), ScapeClient.uri(secret.fileUri())),
                    ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(other.fileUri()), ScapeClient.uri(secret.fileUri())))));
            assertEquals(204, res.statusCode(), row[0] + " relinks its distribution: " + res.body());
            res = c.replaceFile(who, other.fileUri(), "b.csv", ScapeClient.rows("station,value", "m", 1, 2));
            outcome = outcome(res);
            if (!outcome.equals("refused")) failures.add(row[0] + " × replaceFile reading A's file: " + outcome);
            var theirs = c.query("/rowstore/dataset/" + other.datasetId() + "/json");
            assertFalse(theirs.toString().contains("secret"), row[0] + ": none of A's rows reached its dataset: " + theirs);
        }
        assertEquals(rowsBefore, ((Number) c.query("/rowstore/dataset/" + secret.datasetId() + "/json").get("resultCount")).intValue(),
                "A's dataset is unchanged");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** "refused" for a 403 or a job that Failed; otherwise what happened. */
    private static String outcome(HttpResponse<String> res) throws Exception {
        if (res.statusCode() == 403) return "refused";
        if (res.statusCode() != 200) return "answered " + body(res);
        var job = c.awaitJob((String) ServerFixture.json(res.body()).get("jobId"));
        return "Failed".equals(job.get("status")) ? "refused" : "job " + job;
    }
}
