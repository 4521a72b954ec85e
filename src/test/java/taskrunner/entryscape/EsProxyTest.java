package taskrunner.entryscape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.entryscape.ScapeClient.refused;

/**
 * EntryStore's {@code GET /store/proxy?url=}: this server's RowStore URLs answered exactly as a
 * direct GET answers them, for anyone; a host of {@code --proxy-allow} fetched without the
 * caller's credentials, its status, body and Content-Type passed through; everything else
 * refused in EntryStore's envelope, the host never contacted. Two plain JDK servers stand in for
 * the outside: a listed one and an unlisted "secret" one that counts every request it gets.
 */
class EsProxyTest {
    static HttpServer listed;
    static HttpServer secret;
    static final AtomicInteger secretHits = new AtomicInteger();
    static final ConcurrentLinkedQueue<Map<String, List<String>>> seenHeaders = new ConcurrentLinkedQueue<>();
    static ServerFixture fx;
    static ScapeClient c;
    static String remote;
    static String secretBase;

    @BeforeAll
    static void start() throws Exception {
        secret = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secret.createContext("/", ex -> {
            secretHits.incrementAndGet();
            answer(ex, 200, "text/plain", "the secret");
        });
        secret.start();
        secretBase = "http://127.0.0.1:" + secret.getAddress().getPort();
        listed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listed.createContext("/data.json", ex -> {
            seenHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            answer(ex, 200, "application/json; charset=UTF-8", "{\"hello\":\"world\"}");
        });
        listed.createContext("/teapot", ex -> answer(ex, 418, "text/plain", "short and stout"));
        listed.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", secretBase + "/secret");
            answer(ex, 302, "text/plain", "");
        });
        listed.createContext("/big", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, 0);
            try (var out = ex.getResponseBody()) {
                byte[] chunk = new byte[64 << 10];
                for (int i = 0; i < 80; i++) out.write(chunk); // 5 MiB
            } catch (IOException gone) {
                // the proxy stops reading at its limit
            }
        });
        listed.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        listed.start();
        int port = listed.getAddress().getPort();
        remote = "http://127.0.0.1:" + port;
        fx = new ServerFixture(b -> b.configure(cfg -> cfg.proxyAllow(List.of("127.0.0.1:" + port))));
        c = new ScapeClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
        listed.stop(0);
        secret.stop(0);
    }

    static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** A query's own timing is not part of its answer. */
    static String untimed(String body) {
        return body.replaceAll("\"queryTime\":\\d+", "");
    }

    @Test
    void thisServersRowStoreUrlsAnswerExactlyAsADirectGetForGuestsAndUsersAlike() throws Exception {
        String admin = c.admin();
        var created = ServerFixture.json(c.csv("POST", "/rowstore/datasets", admin, "station,value\nA,1\nB,2\n").body());
        String url = (String) created.get("url");
        var direct = new ArrayList<String>();
        for (String u : List.of(url + "/info", url + "/json?station=A", url + "/swagger", url + "/aliases", url + "?_limit=x",
                c.base() + "rowstore/dataset/nope/info", c.base() + "rowstore/datasets", c.base() + "rowstore/nothing/here",
                c.base() + "rowstore/dataset/x/../../status")) {
            var want = c.getUri(java.net.URI.create(u).normalize().toString()); // dot segments resolved, as a client would
            for (String token : new String[] {null, admin, "stale-cookie"}) {
                var got = c.proxy(u, token);
                String cell = u + " as " + (token == null ? "guest" : token.equals(admin) ? "admin" : "stale cookie");
                assertEquals(want.statusCode(), got.statusCode(), cell);
                assertEquals(want.headers().firstValue("Content-Type"), got.headers().firstValue("Content-Type"), cell);
                assertEquals(untimed(want.body()), untimed(got.body()), cell);
            }
            direct.add(want.statusCode() + " " + u);
        }
        assertTrue(direct.contains("200 " + url + "/info") && direct.contains("404 " + c.base() + "rowstore/dataset/nope/info"), direct.toString());
        assertEquals(3, ServerFixture.json(c.proxy(url + "/info", null).body()).get("status"), "the catalog's poll sees the dataset available");
    }

    @Test
    void ofThisServerOnlyTheRowStoreIsServed() throws Exception {
        String admin = c.admin();
        for (String path : List.of("store/auth/user", "store/_contexts/entry/1", "taskrunner/v1/job/x", "admin/backup", "ui/",
                "rowstore/../store/auth/user", "v2/tasks", "")) {
            refused(c.proxy(c.base() + path, admin), 403, "only its RowStore");
        }
    }

    @Test
    void aListedHostIsFetchedWithoutTheCallersCredentialsAndPassedThrough() throws Exception {
        String admin = c.admin();
        seenHeaders.clear();
        var res = c.send(c.request("/store/proxy?url=" + ScapeClient.enc(remote + "/data.json")).header("Cookie", "auth_token=" + admin)
                .header("Authorization", "Basic YWRtaW46YWRtaW5wYXNz").header("X-Auth-Token", admin).header("Accept", "application/json").GET());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("{\"hello\":\"world\"}", res.body());
        assertEquals("application/json; charset=UTF-8", res.headers().firstValue("Content-Type").orElse(null));
        assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(null), "the host's content is not ours to vouch for");
        var headers = seenHeaders.poll();
        assertNotNull(headers, "the listed host was asked");
        assertNull(seenHeaders.poll(), "once");
        for (String h : List.of("Cookie", "Authorization", "X-auth-token")) assertFalse(headers.containsKey(h), h + " reached the host: " + headers);
        assertEquals(List.of("application/json"), headers.get("Accept"));

        var guest = c.proxy(remote + "/data.json", null);
        assertEquals(200, guest.statusCode(), "guests too: the list is the operator's");
        var teapot = c.proxy(remote + "/teapot", null);
        assertEquals(418, teapot.statusCode());
        assertEquals("short and stout", teapot.body());
    }

    @Test
    void itIsNoOpenRelay() throws Exception {
        int port = listed.getAddress().getPort();
        int secretPort = secret.getAddress().getPort();
        String admin = c.admin();
        var cases = List.of(
                new Object[] {secretBase + "/secret", 403, "not 127.0.0.1:" + secretPort},
                new Object[] {"https://127.0.0.1:" + secretPort + "/secret", 403, "not 127.0.0.1"},
                new Object[] {"http://localhost:" + port + "/data.json", 403, "not localhost:" + port},
                new Object[] {"http://localhost:" + secretPort + "/secret", 403, "not localhost"},
                new Object[] {"http://127.0.0.1:" + port + "@127.0.0.1:" + secretPort + "/secret", 403, "user name or password"},
                new Object[] {"http://evil@127.0.0.1:" + port + "/data.json", 403, "user name or password"},
                new Object[] {"http://2130706433:" + secretPort + "/secret", 403, "proxy"},
                new Object[] {"http://0x7f.0.0.1:" + secretPort + "/secret", 403, "proxy"},
                new Object[] {"http://127.1:" + secretPort + "/secret", 403, "proxy"},
                new Object[] {"http://[::1]:" + port + "/data.json", 403, "not [::1]"},
                new Object[] {"http://127.0.0.1/", 403, "not 127.0.0.1:80"},
                new Object[] {"file:///etc/passwd", 403, "only http and https"},
                new Object[] {"jar:file:/tmp/x.jar!/a.txt", 403, "only http and https"},
                new Object[] {"ftp://127.0.0.1:" + port + "/", 403, "only http and https"},
                new Object[] {"gopher://127.0.0.1:" + secretPort + "/_", 403, "only http and https"},
                new Object[] {"http:127.0.0.1", 403, "no host"},
                new Object[] {"//127.0.0.1:" + port + "/data.json", 400, "absolute"},
                new Object[] {"http://exa mple.org/", 400, "not a URL"},
                new Object[] {"", 400, "required"},
                new Object[] {remote + "/redirect", 502, "follows no redirects"},
                new Object[] {remote + "/big", 502, "larger than"});
        var failures = new ArrayList<String>();
        for (Object[] k : cases) {
            for (String token : new String[] {null, admin}) {
                var res = c.proxy((String) k[0], token);
                Object error = res.body().startsWith("{") ? ServerFixture.json(res.body()).get("error") : null;
                if (res.statusCode() != (int) k[1] || !(error instanceof String s && s.contains((String) k[2]))) {
                    failures.add(k[0] + " → " + res.statusCode() + " " + res.body());
                }
            }
        }
        refused(c.get("/store/proxy", null), 400, "required");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(0, secretHits.get(), "the unlisted host was never contacted");
        assertEquals(200, c.get("/rowstore/status", null).statusCode(), "the server still serves");
    }
}
