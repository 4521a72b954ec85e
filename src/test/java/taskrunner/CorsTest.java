package taskrunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CORS on every face, with a real server and requests as browsers send them: a preflight
 * (OPTIONS with Origin, Access-Control-Request-Method and -Headers) before every call that
 * carries X-Auth-Token or a JSON Content-Type, then the call with its Origin. What the answers
 * must carry is Crossbar's (reference/kazoo-clients.md): Allow-Origin, the path's methods,
 * Allow-Headers with X-Auth-Token and Content-Type, Expose-Headers with X-Auth-Token and
 * X-Request-ID, Max-Age 86400.
 */
class CorsTest {
    static final String MONSTER = "https://monster.example.org";
    static final String CATALOG = "http://catalog.example.org:8080";
    static final String EVIL = "https://evil.example.net";

    static ServerFixture listed;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        listed = new ServerFixture(b -> b.configure(c -> c.corsOrigins(List.of(MONSTER + "/", "HTTP://Catalog.Example.org:8080"))));
        admin = KazooClient.admin(listed);
    }

    @AfterAll
    static void stop() throws Exception {
        listed.close();
    }

    /** A browser's preflight for {@code method} on {@code path}, asking for {@code headers}. */
    static HttpResponse<String> preflight(ServerFixture fx, String origin, String method, String path, String headers) throws Exception {
        var b = fx.request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) b.header("Access-Control-Request-Headers", headers);
        return fx.send(b);
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    static List<String> list(HttpResponse<?> r, String name) {
        String v = header(r, name);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** An allowed preflight: 200 with no body, the path's methods, the headers asked for, a day's Max-Age. */
    static void assertPreflight(HttpResponse<String> r, String origin, List<String> methods, String... headers) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertEquals(origin, header(r, "Access-Control-Allow-Origin"));
        assertEquals("86400", header(r, "Access-Control-Max-Age"));
        var allowed = list(r, "Access-Control-Allow-Methods");
        assertTrue(allowed.contains("options"), String.valueOf(allowed));
        for (String m : methods) assertTrue(allowed.contains(m.toLowerCase(java.util.Locale.ROOT)), m + " in " + allowed);
        for (String h : headers) assertTrue(list(r, "Access-Control-Allow-Headers").contains(h), h + " in " + header(r, "Access-Control-Allow-Headers"));
    }

    /** What every answer to an allowed origin carries. */
    static void assertCorsAnswer(HttpResponse<String> r, String origin) {
        assertEquals(origin, header(r, "Access-Control-Allow-Origin"), r.statusCode() + " " + r.body());
        var exposed = list(r, "Access-Control-Expose-Headers");
        for (String h : List.of("x-auth-token", "x-request-id", "location", "etag", "last-modified", "content-disposition")) {
            assertTrue(exposed.contains(h), h + " in " + exposed);
        }
    }

    static void assertCredentialed(HttpResponse<String> r, String origin) {
        assertCorsAnswer(r, origin);
        assertEquals("true", header(r, "Access-Control-Allow-Credentials"));
        assertTrue(r.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Origin")), String.valueOf(r.headers().map()));
    }

    /** A Monster UI call: X-Auth-Token, Content-Type application/json even on GET, its Accept, its Origin. */
    static HttpResponse<String> monster(String method, String path, String token, String body) throws Exception {
        var b = listed.request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Origin", MONSTER).header("X-Auth-Token", token == null ? "undefined" : token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/javascript, */*; q=0.01");
        return listed.send(b);
    }

    @Test
    void monsterUiCallsTheKazooFaceFromAnotherOrigin() throws Exception {
        // auth.userAuth: PUT user_auth with md5 credentials, preflighted for its JSON Content-Type
        var pre = preflight(listed, MONSTER, "PUT", "/v2/user_auth", "content-type,x-auth-token");
        assertPreflight(pre, MONSTER, List.of("PUT"), "content-type", "x-auth-token", "x-requested-with", "authorization");
        String md5 = taskrunner.auth.Secrets.md5("admin:" + ServerFixture.ADMIN_PASSWORD);
        var login = monster("PUT", "/v2/user_auth", null, "{\"data\":{\"credentials\":\"" + md5 + "\",\"account_name\":\"root\"}}");
        assertEquals(201, login.statusCode(), login.body());
        assertCredentialed(login, MONSTER);
        String token = (String) ServerFixture.json(login.body()).get("auth_token");

        String tasks = "/v2/accounts/" + admin.accountId + "/tasks";
        assertPreflight(preflight(listed, MONSTER, "PUT", tasks, "content-type,x-auth-token"), MONSTER, List.of("GET", "PUT"));
        var created = monster("PUT", tasks + "?category=examples&action=count", token, "{\"data\":{\"ui_metadata\":{\"ui\":\"monster-ui\"}}}");
        assertEquals(201, created.statusCode(), created.body());
        assertCredentialed(created, MONSTER);
        String id = (String) KazooClient.readOnly(created).get("id");

        var preStart = preflight(listed, MONSTER, "PATCH", tasks + "/" + id, "content-type,x-auth-token");
        assertPreflight(preStart, MONSTER, List.of("GET", "PATCH", "DELETE"));
        var started = monster("PATCH", tasks + "/" + id, token, "{\"data\":{}}");
        assertEquals(200, started.statusCode(), started.body());
        assertCredentialed(started, MONSTER);
        var read = monster("GET", tasks + "/" + id + "?_=1700000000000", token, null);
        assertEquals(200, read.statusCode(), read.body());
        assertCredentialed(read, MONSTER);
        assertNotNull(header(read, "X-Request-ID"));
    }

    @Test
    void errorsFromHandlersAndFromTheRouterCarryTheHeadersToo() throws Exception {
        String tasks = "/v2/accounts/" + admin.accountId + "/tasks";
        assertCredentialed(monster("GET", tasks, "not-a-token", null), MONSTER); // 401 from the face
        var notFound = monster("GET", "/v2/nowhere", admin.token, null);
        assertEquals(404, notFound.statusCode());
        assertCredentialed(notFound, MONSTER);
        var wrongMethod = monster("POST", "/v2/user_auth", null, "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertCredentialed(wrongMethod, MONSTER);
        var tooLarge = monster("PUT", "/v2/user_auth", null, "{\"data\":\"" + "x".repeat(2 << 20) + "\"}");
        assertEquals(413, tooLarge.statusCode());
        assertCredentialed(tooLarge, MONSTER);
        var b = listed.request("/v2/tasks").header("Origin", MONSTER);
        for (int i = 0; i < 2; i++) b.header("X-Pad-" + i, "v".repeat(40_000)); // over 64 KiB, under the JDK's own limit
        var tooLargeHeaders = listed.send(b);
        assertEquals(431, tooLargeHeaders.statusCode());
        assertCredentialed(tooLargeHeaders, MONSTER);
        var noRoute = preflight(listed, MONSTER, "GET", "/v2/nowhere", null);
        assertEquals(404, noRoute.statusCode(), "a path no route has gets the face's 404, preflight or not");
        assertCredentialed(noRoute, MONSTER);
    }

    @Test
    void theCkanFaceAnswersPreflightsForItsJobRoutes() throws Exception {
        var pre = preflight(listed, CATALOG, "POST", "/job", "authorization,content-type");
        assertPreflight(pre, CATALOG, List.of("GET", "POST", "DELETE"), "authorization", "content-type");
        assertNull(header(pre, "Allow"), "the router answers the preflight, not CKAN's Flask OPTIONS route");
        var status = listed.send(listed.request("/status").header("Origin", CATALOG));
        assertEquals(200, status.statusCode());
        assertCredentialed(status, CATALOG);
        var plainOptions = listed.send(listed.request("/job").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, plainOptions.statusCode(), "an OPTIONS that is no preflight is still Flask's");
        assertEquals("POST, GET, HEAD, OPTIONS, DELETE", header(plainOptions, "Allow"));
    }

    @Test
    void anEntryScapeAppLogsInAndUsesTheCookieWithCredentials() throws Exception {
        // the login form is a simple request (no preflight); its answer sets the cookie
        var login = listed.send(listed.request("/store/auth/cookie").header("Origin", CATALOG)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("auth_username=admin&auth_password="
                        + URLEncoder.encode(ServerFixture.ADMIN_PASSWORD, StandardCharsets.UTF_8) + "&auth_maxage=604800")));
        assertEquals(204, login.statusCode(), login.body());
        assertCredentialed(login, CATALOG);
        String cookie = header(login, "Set-Cookie");
        assertTrue(cookie.contains("SameSite=Strict; HttpOnly; Path=/store/"), "the default stays EntryStore's: " + cookie);
        String token = cookie.substring("auth_token=".length(), cookie.indexOf(';'));

        var user = listed.send(listed.request("/store/auth/user").header("Origin", CATALOG).header("Cookie", "auth_token=" + token)
                .header("Accept", "application/json"));
        assertEquals(200, user.statusCode(), user.body());
        assertCredentialed(user, CATALOG);
        assertEquals("admin", ServerFixture.json(user.body()).get("user"));

        // entrystore.js sends If-Unmodified-Since and a JSON Content-Type on every metadata PUT
        var pre = preflight(listed, CATALOG, "PUT", "/store/1/metadata/2", "content-type,if-unmodified-since");
        assertPreflight(pre, CATALOG, List.of("GET", "PUT"), "content-type", "if-unmodified-since");
        assertEquals("true", header(pre, "Access-Control-Allow-Credentials"));
        assertPreflight(preflight(listed, CATALOG, "POST", "/store/_contexts", "content-type"), CATALOG, List.of("POST"));
    }

    @Test
    void theRowStoreAndTaskrunnerRoutesAnswerPreflights() throws Exception {
        assertPreflight(preflight(listed, CATALOG, "PUT", "/rowstore/dataset/abc", "content-type"), CATALOG,
                List.of("GET", "PUT", "POST", "DELETE"), "content-type");
        assertPreflight(preflight(listed, CATALOG, "POST", "/taskrunner/v1/distribution/addFile", "x-auth-token"), CATALOG,
                List.of("POST"), "x-auth-token");
        assertPreflight(preflight(listed, CATALOG, "GET", "/taskrunner/v1/job/x", "x-auth-token"), CATALOG, List.of("GET"));
        var rows = listed.send(listed.request("/rowstore/datasets").header("Origin", CATALOG));
        assertCredentialed(rows, CATALOG);
    }

    @Test
    void anOriginNotOnTheListGetsNoCorsHeadersAndItsPreflightA403() throws Exception {
        var pre = preflight(listed, EVIL, "PUT", "/v2/user_auth", "content-type");
        assertEquals(403, pre.statusCode());
        assertEquals("origin not allowed", ServerFixture.json(pre.body()).get("message"), "in the face's envelope");
        for (var r : List.of(pre, listed.send(listed.request("/v2/tasks").header("Origin", EVIL).header("X-Auth-Token", admin.token)))) {
            assertEquals(List.of(), r.headers().map().keySet().stream().filter(h -> h.toLowerCase().startsWith("access-control-")).toList());
            assertTrue(r.headers().allValues("Vary").contains("Origin"), "a listed origin's answer differs: caches must know");
        }
        // the request itself is served: a same-origin page's POST carries its Origin too
        var served = listed.send(listed.request("/v2/tasks").header("Origin", EVIL).header("X-Auth-Token", admin.token));
        assertEquals(200, served.statusCode());
        // an origin differs by scheme and port: the listed one's look-alikes are other origins
        for (String lookalike : List.of("http://monster.example.org", MONSTER + ":8443", "https://monster.example.org.evil.net", "null")) {
            assertEquals(403, preflight(listed, lookalike, "GET", "/v2/tasks", null).statusCode(), lookalike);
        }
    }

    @Test
    void weirdOriginsAndHugeRequestHeadersLeaveTheServerServing() throws Exception {
        int port = listed.server.port();
        byte[][] requests = {
                ("OPTIONS /v2/tasks HTTP/1.1\r\nHost: x\r\nOrigin: https://\u00e9v\u00efl.example\u0001\r\n"
                        + "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                ("OPTIONS /v2/tasks HTTP/1.1\r\nHost: x\r\nOrigin: " + MONSTER + "\r\nAccess-Control-Request-Method: GET\r\n"
                        + "Access-Control-Request-Headers: " + "x-a,".repeat(12_000) + "x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                ("GET /v2/tasks HTTP/1.1\r\nHost: x\r\nOrigin: " + "h".repeat(30_000) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                ("OPTIONS /v2/tasks HTTP/1.1\r\nHost: x\r\nOrigin:\r\nAccess-Control-Request-Method:\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
        };
        List<String> statusLines = new java.util.ArrayList<>();
        for (byte[] req : requests) statusLines.add(raw(port, req));
        assertTrue(statusLines.get(0).startsWith("HTTP/1.1 403"), statusLines.get(0));
        assertTrue(statusLines.get(1).startsWith("HTTP/1.1 200"), "a long request-headers list is not echoed, so harmless: " + statusLines.get(1));
        assertTrue(statusLines.get(2).startsWith("HTTP/1.1 200"), "help needs no token: " + statusLines.get(2));
        for (int i : new int[] {0, 2, 3}) assertFalse(statusLines.get(i).toLowerCase().contains("access-control-"), statusLines.get(i));
        assertTrue(statusLines.get(1).toLowerCase().contains("access-control-allow-origin: " + MONSTER), statusLines.get(1));
        assertTrue(statusLines.get(3).startsWith("HTTP/1.1 403"), "an empty Origin is no listed origin: " + statusLines.get(3));
        assertEquals(200, listed.send(listed.request("/healthz")).statusCode());
    }

    /** Sends raw bytes, returns the status line and the headers. */
    static String raw(int port, byte[] request) throws Exception {
        try (var s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void withAStarEveryOriginIsLetInWithoutCredentials() throws Exception {
        try (var fx = new ServerFixture(b -> b.configure(c -> c.corsOrigins(List.of("*"))))) {
            var pre = preflight(fx, EVIL, "PATCH", "/v2/tasks/abc", "x-auth-token,content-type");
            assertPreflight(pre, "*", List.of("GET", "PATCH", "DELETE"), "x-auth-token", "content-type");
            var r = fx.send(fx.request("/v2/tasks").header("Origin", "https://any.example"));
            assertCorsAnswer(r, "*");
            var login = fx.send(fx.request("/store/auth/cookie").header("Origin", CATALOG)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("auth_username=admin&auth_password=" + ServerFixture.ADMIN_PASSWORD)));
            assertCorsAnswer(login, "*");
            for (var answer : List.of(pre, r, login)) {
                assertNull(header(answer, "Access-Control-Allow-Credentials"), "never credentials with *");
                assertEquals(List.of(), answer.headers().allValues("Vary"), "the answer is the same for every origin");
            }
            assertNull(header(fx.send(fx.request("/v2/tasks")), "Access-Control-Allow-Origin"), "a request without Origin needs none");
        }
    }

    @Test
    void offByDefaultNothingChanges() throws Exception {
        try (var fx = new ServerFixture()) {
            var pre = preflight(fx, MONSTER, "PUT", "/v2/user_auth", "content-type");
            assertEquals(405, pre.statusCode(), "OPTIONS is a method Kazoo's routes do not have");
            assertEquals("PUT", header(pre, "Allow"));
            var ckan = preflight(fx, MONSTER, "POST", "/job", "authorization");
            assertEquals(200, ckan.statusCode(), "CKAN's OPTIONS routes answer as Flask does");
            assertEquals("POST, GET, HEAD, OPTIONS, DELETE", header(ckan, "Allow"));
            var r = fx.send(fx.request("/v2/tasks").header("Origin", MONSTER));
            for (var answer : List.of(pre, ckan, r)) {
                assertEquals(Optional.empty(), answer.headers().map().keySet().stream()
                        .filter(h -> h.toLowerCase().startsWith("access-control-") || h.equalsIgnoreCase("vary")).findAny());
            }
        }
    }

    @Test
    void theCookieCanBeMadeSameSiteNoneForPagesOfOtherSites() throws Exception {
        try (var fx = new ServerFixture(b -> b.configure(c -> c.corsOrigins(List.of(CATALOG))
                .entryStoreCookieSameSite(taskrunner.http.Cookie.SameSite.None)))) {
            var login = fx.send(fx.request("/store/auth/cookie").header("Origin", CATALOG)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("auth_username=admin&auth_password=" + ServerFixture.ADMIN_PASSWORD)));
            assertEquals(204, login.statusCode());
            assertCredentialed(login, CATALOG);
            String cookie = header(login, "Set-Cookie");
            assertTrue(cookie.endsWith("; Max-Age=31536000; SameSite=None; HttpOnly; Secure; Path=/store/"), cookie);
            var bad = fx.send(fx.request("/store/auth/user").header("Origin", CATALOG).header("Cookie", "auth_token=expired"));
            assertEquals(401, bad.statusCode());
            assertEquals("auth_token=; Max-Age=0; SameSite=None; HttpOnly; Secure; Path=/store/", header(bad, "Set-Cookie"),
                    "the clearing cookie has the same attributes, or the browser keeps the Secure one");
        }
    }

    @Test
    void theSettingTakesOriginsAsBrowsersSendThemAndRefusesOthers() {
        assertEquals(List.of(), Config.defaults().corsOrigins());
        assertEquals(List.of(MONSTER, CATALOG), listed.server.services().config().corsOrigins());
        assertEquals(List.of("https://a.example", "http://[::1]:3000", "http://localhost"),
                Config.builder().corsOrigins(List.of(" HTTPS://A.example:443 ", "http://[::1]:3000", "http://localhost:80/")).build().corsOrigins());
        for (String bad : List.of("https://a.example/app", "*.example.org", "https://*.example.org", "null", "ftp://a.example",
                "a.example", "", "https://user@a.example", "https://a.example?x")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Config.builder().corsOrigins(List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("corsOrigins must list origins: "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Config.builder().corsOrigins(List.of("*", MONSTER)));
        Config c = Main.config(Main.parse(new String[] {"--cors-origins", MONSTER + "," + CATALOG, "--entrystore-cookie-samesite", "none"}));
        assertEquals(Config.defaults().toBuilder().corsOrigins(List.of(MONSTER, CATALOG))
                .entryStoreCookieSameSite(taskrunner.http.Cookie.SameSite.None).build(), c);
        assertEquals(List.of("*"), Main.config(Main.parse(new String[] {"--cors-origins=*"})).corsOrigins());
        var e = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--cors-origins", MONSTER + ",,x"})));
        assertTrue(e.getMessage().startsWith("--cors-origins: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--entrystore-cookie-samesite", "loose"})));
        assertEquals("--entrystore-cookie-samesite: must be Strict, Lax or None, not loose", e.getMessage());
    }
}
