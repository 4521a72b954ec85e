package taskrunner.ui;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's files and the landing page over real HTTP: types and security headers,
 * 404 for everything that is not one of the files exactly (request targets sent byte for
 * byte over a socket, so no client library tidies a {@code ..} away), and {@code GET /} as
 * HTML for browsers and CKAN's JSON for everyone else.
 */
class DashboardFilesTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** Status line, headers (names lower-cased) and body of one request target sent as it is. */
    private record Raw(int status, Map<String, String> headers, String body) {}

    private static Raw raw(String method, String target, String accept) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fx.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (accept == null ? "" : "Accept: " + accept + "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] lines = all.substring(0, end).split("\r\n");
            var headers = new java.util.HashMap<String, String>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, all.substring(end + 4));
        }
    }

    @Test
    void eachFileHasItsTypeNosniffAndAStrictPolicy() throws Exception {
        var types = Map.of("/ui/", "text/html; charset=utf-8", "/ui/index.html", "text/html; charset=utf-8",
                "/ui/dashboard.js", "text/javascript; charset=utf-8", "/ui/md5.js", "text/javascript; charset=utf-8",
                "/ui/dashboard.css", "text/css; charset=utf-8", "/ui/landing.html", "text/html; charset=utf-8");
        for (var e : types.entrySet()) {
            Raw r = raw("GET", e.getKey(), null);
            assertEquals(200, r.status(), e.getKey());
            assertEquals(e.getValue(), r.headers().get("content-type"), e.getKey());
            assertEquals("nosniff", r.headers().get("x-content-type-options"), e.getKey());
            assertTrue(r.headers().get("content-security-policy").startsWith("default-src 'self';"), e.getKey());
            assertFalse(r.body().isEmpty(), e.getKey());
        }
        assertTrue(raw("GET", "/ui/", null).body().contains("<script src=\"dashboard.js\""));
        Raw head = raw("HEAD", "/ui/dashboard.css", null);
        assertEquals(200, head.status());
        assertEquals("", head.body());
    }

    @Test
    void theDashboardsAddressWithoutSlashRedirectsToIt() throws Exception {
        Raw r = raw("GET", "/ui", null);
        assertEquals(301, r.status());
        assertEquals("/ui/", r.headers().get("location"));
    }

    @Test
    void pathTricksAndUnknownFilesAre404() throws Exception {
        var wrong = new ArrayList<String>();
        for (String target : List.of("/ui/../ui/index.html", "/ui/%2e%2e/ui/index.html", "/ui/%2E%2E/%2E%2E/pom.xml",
                "/ui/..%2fui%2findex.html", "/ui/./index.html", "/ui/%2e/index.html", "/ui//index.html",
                "/ui/index.html/", "/ui/Index.html", "/ui/taskrunner/ui/index.html",
                "/ui/../../../../etc/passwd", "/ui/..%5c..%5cetc%5cpasswd", "/ui/TaskServer.class",
                "/ui/../taskrunner/TaskServer.class", "/ui/nosuch.js", "/ui/api", "/ui/api/", "/ui/%75i/index.html",
                "/ui/ui/../index.html")) {
            Raw r = raw("GET", target, "text/html");
            if (r.status() != 404 || r.body().contains("<html") || !r.body().contains("\"error\"")) {
                wrong.add(target + " -> " + r.status() + " " + r.body().substring(0, Math.min(60, r.body().length())));
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void browsersGetTheLandingPageAtTheRoot() throws Exception {
        for (String accept : List.of("text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                + "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")) {
            Raw r = raw("GET", "/", accept);
            assertEquals(200, r.status());
            assertEquals("text/html; charset=utf-8", r.headers().get("content-type"));
            assertTrue(r.body().contains("href=\"/ui/\""), r.body());
            assertTrue(r.headers().get("content-security-policy").startsWith("default-src 'self'"));
            assertEquals("nosniff", r.headers().get("x-content-type-options"));
            assertEquals("Accept", r.headers().get("vary"));
        }
    }

    @Test
    void jsonClientsStillGetCkansHelpAtTheRoot() throws Exception {
        String help = "{\"help\":\"\\n        Get help at:\\n        http://ckan-service-provider.readthedocs.org/.\"}\n";
        for (String accept : new String[] {null, "*/*", "application/json", "text/html;q=0, application/json"}) {
            Raw r = raw("GET", "/", accept);
            assertEquals(200, r.status(), accept);
            assertEquals("application/json", r.headers().get("content-type"), accept);
            assertEquals(help, r.body(), accept);
            assertEquals("Accept", r.headers().get("vary"));
        }
        HttpResponse<String> viaClient = fx.send(fx.request("/").GET());
        assertEquals(help, viaClient.body());
    }
}
