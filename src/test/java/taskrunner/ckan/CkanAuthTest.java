package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The three ways to be authorised (admin session, secure key, job key) and their refusals. */
class CkanAuthTest {
    static final String SECRET = "the-secure-key";
    static ServerFixture fx;
    static CkanClient c;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(c -> c.ckanSecretKey(SECRET)));
        c = new CkanClient(fx);
        fx.server.services().identity().createUser(fx.server.services().identity().root().id(), "plain", "plainpass",
                false, null, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Map<String, Object> job(String id) throws Exception {
        return c.submit("/job/" + id, Map.of("job_type", "echo", "api_key", "k", "data", "x"));
    }

    @Test
    void theJobKeyAuthorisesItsJobOnly() throws Exception {
        String key = (String) job("a1").get("job_key");
        String other = (String) job("a2").get("job_key");
        assertEquals(200, c.get("/job/a1", "Authorization", key).statusCode());
        assertEquals(200, c.get("/job/a1/data", "Authorization", key).statusCode());
        var wrong = c.get("/job/a1", "Authorization", other);
        assertEquals(403, wrong.statusCode());
        assertEquals("{\"error\": \"not authorized\"}", wrong.body());
        assertEquals(403, c.get("/job/a1").statusCode());
        assertEquals(403, c.get("/job/a1", "Authorization", "Bearer " + key).statusCode(), "no scheme, raw value only");
        assertEquals(403, c.get("/job/a1/data", "Authorization", other).statusCode());
        assertEquals(403, c.delete("/job/a1", "Authorization", other).statusCode());
        assertFalse(readAll(fx.dataDir).contains(key), "only the job key's hash is stored");
    }

    @Test
    void notFoundComesBeforeForbidden() throws Exception {
        var r = c.get("/job/nope");
        assertEquals(404, r.statusCode());
        assertEquals("{\"error\": \"job_id not found\"}", r.body());
        assertEquals(404, c.get("/job/nope/data").statusCode());
        assertEquals(404, c.delete("/job/nope").statusCode());
    }

    @Test
    void theSecureKeyAuthorisesEveryJobButNotBulkDelete() throws Exception {
        job("s1");
        assertEquals(200, c.get("/job/s1", "Authorization", SECRET).statusCode());
        assertEquals(403, c.get("/job/s1", "Authorization", "Bearer " + SECRET).statusCode());
        var bulk = c.delete("/job?days=0", "Authorization", SECRET);
        assertEquals(403, bulk.statusCode());
        assertEquals("{\"error\": \"not authorized\"}", bulk.body());
        assertEquals(200, c.delete("/job/s1", "Authorization", SECRET).statusCode());
    }

    @Test
    void formAndBasicLoginGiveAnAdminSession() throws Exception {
        job("l1");
        String cookie = c.login();
        assertEquals(200, c.get("/job/l1", "Cookie", cookie).statusCode());
        var user = c.get("/user", "Cookie", cookie);
        var u = ServerFixture.json(user.body());
        assertEquals(false, u.get("is_anonymous"));
        assertEquals(true, u.get("is_active"));
        assertEquals("admin", u.get("name"));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ServerFixture.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        var r = c.get("/login?next=/status", "Authorization", basic);
        assertEquals(302, r.statusCode());
        assertEquals("/status", r.headers().firstValue("Location").orElseThrow());
        String c2 = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(c2.contains("HttpOnly") && c2.contains("Path=/"), c2);
        assertEquals(200, c.get("/job/l1", "Cookie", c2.substring(0, c2.indexOf(';'))).statusCode());
        // already logged in: straight to next, credentials not checked
        var again = c.get("/login", "Cookie", cookie);
        assertEquals(302, again.statusCode());
        assertEquals("/user", again.headers().firstValue("Location").orElseThrow());
        // an absolute next is not followed (the original's open redirect)
        assertEquals("/user", c.get("/login?next=http://evil.example/", "Authorization", basic).headers().firstValue("Location").orElseThrow());
    }

    @Test
    void loginRefusals() throws Exception {
        var none = c.get("/login");
        assertEquals(401, none.statusCode());
        assertEquals("Could not verify your access level for that URL.\n No username or password.", none.body());
        assertEquals("Basic realm=\"Login Required\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
        var wrong = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=nope")));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().endsWith(" Wrong username or password."));
        var notAdmin = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=plain&password=plainpass")));
        assertEquals(401, notAdmin.statusCode(), "only admin users get a session");
        var missingField = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin")));
        assertEquals(400, missingField.statusCode());
    }

    @Test
    void anAdminOfAnotherAccountIsNoCkanAdmin() throws Exception {
        var root = taskrunner.support.KazooClient.admin(fx);
        var tenantAdmin = root.childWithUser("tenant", "tenantadmin", "tenant-pw-1");
        var job = job("tenantjob");
        var login = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=tenantadmin&password=tenant-pw-1")));
        assertEquals(401, login.statusCode(), "an admin of a child account gets no CKAN admin session");
        // nor does a token of such an admin, put into the session cookie by hand
        String token = tenantAdmin.token;
        assertEquals(403, c.get("/job/tenantjob", "Cookie", "session=" + token).statusCode());
        assertEquals(403, c.delete("/job?days=0", "Cookie", "session=" + token).statusCode());
        assertEquals(200, c.get("/job/tenantjob", "Authorization", (String) job.get("job_key")).statusCode());
    }

    @Test
    void logoutEndsTheSessionAndBulkDeleteNeedsOne() throws Exception {
        String cookie = c.login();
        assertEquals(200, c.delete("/job?days=30", "Cookie", cookie).statusCode());
        var out = c.get("/logout", "Cookie", cookie);
        assertEquals(302, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
                "Flask dates the cleared cookie in 1970 too");
        assertEquals(403, c.delete("/job?days=30", "Cookie", cookie).statusCode());
        var anon = ServerFixture.json(c.get("/user", "Cookie", cookie).body());
        assertEquals(true, anon.get("is_anonymous"));
    }

    @Test
    void anonymousUserGetsTheIntendedBody() throws Exception {
        var r = c.get("/user");
        assertEquals(200, r.statusCode());
        assertEquals("{\"id\":null,\"is_active\":false,\"is_anonymous\":true,\"name\":\"Anonymous\"}\n", r.body());
    }

    @Test
    void aGeneratedSecureKeyIsPrintedOnceAndWorks() throws Exception {
        PrintStream saved = System.out;
        var buf = new ByteArrayOutputStream();
        ServerFixture gen;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            gen = new ServerFixture();
        } finally {
            System.setOut(saved);
        }
        try (gen) {
            var m = Pattern.compile("CKAN secret key: (\\S+)").matcher(buf.toString(StandardCharsets.UTF_8));
            assertTrue(m.find(), "printed at first start");
            String key = m.group(1);
            var gc = new CkanClient(gen);
            gc.submit("/job/g1", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
            assertEquals(200, gc.get("/job/g1", "Authorization", key).statusCode());
            String journal = readAll(gen.dataDir);
            assertFalse(journal.contains(key), "the data directory holds only its hash");
            var buf2 = new ByteArrayOutputStream();
            System.setOut(new PrintStream(buf2, true, StandardCharsets.UTF_8));
            try {
                gen.restart();
            } finally {
                System.setOut(saved);
            }
            assertFalse(buf2.toString(StandardCharsets.UTF_8).contains("CKAN secret key"), "printed only once");
            assertEquals(200, gc.get("/job/g1", "Authorization", key).statusCode(), "still valid after a restart");
        }
    }

    static String readAll(java.nio.file.Path dir) throws Exception {
        var sb = new StringBuilder();
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (var p : (Iterable<java.nio.file.Path>) walk::iterator) {
                if (java.nio.file.Files.isRegularFile(p)) sb.append(java.nio.file.Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }
}
