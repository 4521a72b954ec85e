package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.Tenants;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.support.Tenants.*;

/**
 * The cross-tenant matrix of the CKAN face. A CKAN job belongs to no account (the
 * original has none; a submitter's core token is not read), so "A's job" is the job whose
 * key A's admin holds, and the matrix's second dimension is the credential: none, the
 * job's own key, another job's key, the secure key (and a wrong one), the admin session of
 * {@code /login}, and every principal's core token in the {@code session} cookie, in
 * {@code X-Auth-Token} and in {@code Authorization}. Only the job's key, the secure key and
 * a session of an admin user of the root account reach the job (ckan-service-provider.md;
 * a session is a user's, so the root api_key's token in the cookie is not one);
 * purge takes the session only; {@code GET /job}, {@code /status} and {@code /user} are
 * public. A refusal is the original's {@code {"error": "not authorized"}} 403, and the job,
 * re-read with the secure key, is unchanged.
 */
class CkanCrossTenantMatrixTest {
    static final String SECRET = "matrix-secure-key";
    static ServerFixture fx;
    static CkanClient c;
    static Tenants t;
    static String job;
    static String jobKey;
    static String otherKey;
    static String rootSession;

    /** A credential of a matrix row: its headers, and whether it reaches a job and administers the face. */
    record Credential(String name, List<String> headers, boolean reachesJob, boolean admin) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code {id}} is the job of the cell; allowed is the answer when the credential reaches it. */
    record Route(String method, String path, boolean perJob, boolean adminOnly, boolean open, int allowed, boolean fresh) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/job/{id}", true, false, false, 200, false),
            new Route("GET", "/job/{id}/data", true, false, false, 200, false),
            new Route("DELETE", "/job/{id}", true, false, false, 200, true),
            new Route("POST", "/job/{id}", true, false, true, 409, false), // the id is taken, whoever asks
            new Route("DELETE", "/job?days=100000", false, true, false, 200, false),
            new Route("GET", "/job", false, false, true, 200, false),
            new Route("GET", "/status", false, false, true, 200, false),
            new Route("GET", "/user", false, false, true, 200, false));

    static final List<Credential> CREDENTIALS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(x -> x.ckanSecretKey(SECRET)));
        c = new CkanClient(fx);
        t = new Tenants(fx);
        var j = submit(t.who.get(A_ADMIN).token());
        job = (String) j.get("job_id");
        jobKey = (String) j.get("job_key");
        otherKey = (String) submit(t.who.get(B_ADMIN).token()).get("job_key");
        rootSession = c.login();

        CREDENTIALS.add(new Credential("none", List.of(), false, false));
        CREDENTIALS.add(new Credential("the job's key", List.of("Authorization", "{key}"), true, false));
        CREDENTIALS.add(new Credential("another job's key", List.of("Authorization", otherKey), false, false));
        CREDENTIALS.add(new Credential("the secure key", List.of("Authorization", SECRET), true, false));
        CREDENTIALS.add(new Credential("a wrong secure key", List.of("Authorization", SECRET + "x"), false, false));
        CREDENTIALS.add(new Credential("root's /login session", List.of("Cookie", rootSession), true, true));
        CREDENTIALS.add(new Credential("A's api_key", List.of("Authorization", t.aApiKey), false, false));
        CREDENTIALS.add(new Credential("the root account's api_key", List.of("Authorization", fx.server.bootstrap().apiKey()), false, false));
        for (var w : t.who.values()) {
            if (w.token() == null) continue;
            boolean root = w.name().equals(ROOT);
            CREDENTIALS.add(new Credential(w.name() + " token as session", List.of("Cookie", "session=" + w.token()), root, root));
            CREDENTIALS.add(new Credential(w.name() + " token as X-Auth-Token", List.of("X-Auth-Token", w.token()), false, false));
            CREDENTIALS.add(new Credential(w.name() + " token as Authorization", List.of("Authorization", w.token()), false, false));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A synchronous echo job, submitted with a core token (which the face does not read). */
    static Map<String, Object> submit(String token) throws Exception {
        var r = c.post("/job", Map.of("job_type", "echo", "api_key", "k", "data", "hello", "metadata", Map.of("m", "1")),
                "X-Auth-Token", token);
        assertEquals(200, r.statusCode(), r.body());
        return ServerFixture.json(r.body());
    }

    static int expected(Route r, Credential cr) {
        if (r.open()) return r.allowed();
        if (r.adminOnly()) return cr.admin() ? r.allowed() : 403;
        return cr.reachesJob() ? r.allowed() : 403;
    }

    /** The job as the secure key reads it, and its data. */
    static List<String> snapshot(String id) throws Exception {
        return List.of(body(c.get("/job/" + id, "Authorization", SECRET)), body(c.get("/job/" + id + "/data", "Authorization", SECRET)));
    }

    static String body(HttpResponse<String> r) {
        return r.statusCode() + " " + r.body();
    }

    static HttpResponse<String> send(Route r, Credential cr, String id, String key) throws Exception {
        var b = fx.request(r.path().replace("{id}", id));
        if (r.method().equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"job_type\":\"echo\",\"api_key\":\"k\",\"data\":\"overwritten\"}"));
        } else {
            b.method(r.method(), HttpRequest.BodyPublishers.noBody());
        }
        for (int i = 0; i < cr.headers().size(); i += 2) b.header(cr.headers().get(i), cr.headers().get(i + 1).replace("{key}", key));
        return fx.send(b);
    }

    @Test
    void everyCredentialGetsItsAnswerOnEveryRouteAndRefusalsChangeNothing() throws Exception {
        var failures = new ArrayList<String>();
        int cells = 0;
        for (Route r : ROUTES) {
            for (Credential cr : CREDENTIALS) {
                cells++;
                String id = job;
                String key = jobKey;
                if (r.fresh()) {
                    var fresh = submit(t.who.get(A_ADMIN).token());
                    id = (String) fresh.get("job_id");
                    key = (String) fresh.get("job_key");
                }
                var before = snapshot(id);
                int want = expected(r, cr);
                var res = send(r, cr, id, key);
                String cell = cr + " × " + r + ": ";
                if (res.statusCode() != want) failures.add(cell + "wanted " + want + ", got " + body(res));
                if (want == 403 && !Map.of("error", "not authorized").equals(ServerFixture.json(res.body()))) {
                    failures.add(cell + "refusal outside the original's envelope: " + body(res));
                }
                if (r.path().equals("/job") && (res.body().contains(key) || res.body().contains("hello"))) {
                    failures.add(cell + "the public list shows a key or data: " + res.body());
                }
                if (r.path().equals("/user") && !res.body().contains(cr.admin() ? "\"admin\"" : "Anonymous")) {
                    failures.add(cell + "wrong user: " + res.body());
                }
                boolean changes = r.fresh() && res.statusCode() == r.allowed();
                if (!changes && !before.equals(snapshot(id))) failures.add(cell + "the job changed");
            }
        }
        assertTrue(failures.isEmpty(), cells + " cells, failures:\n" + String.join("\n", failures));
    }

    @Test
    void onlyAnAdminOfTheRootAccountGetsASession() throws Exception {
        var failures = new ArrayList<String>();
        for (var w : t.who.values()) {
            if (w.username() == null) continue;
            var r = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + w.username() + "&password=" + w.password())));
            int want = w.name().equals(ROOT) ? 302 : 401;
            if (r.statusCode() != want) failures.add(w.name() + " × POST /login: wanted " + want + ", got " + body(r));
            if (want == 401 && r.headers().firstValue("Set-Cookie").isPresent()) failures.add(w.name() + " got a cookie");
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
