package taskrunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The header limits of {@link Config} are the server's own (no system property): a real
 * server answers a request over them with 431 in the envelope of the face the path belongs to.
 */
class HeaderLimitsTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(c -> c.maxRequestHeaders(20).maxHeaderBytes(4096)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A GET with this many extra headers X-Pad-i of this many characters each. */
    static HttpResponse<String> get(String path, int headers, int size) throws Exception {
        HttpRequest.Builder req = fx.request(path);
        for (int i = 0; i < headers; i++) req.header("X-Pad-" + i, "v".repeat(size));
        return fx.send(req);
    }

    @Test
    void tooManyHeadersAre431InKazoosEnvelope() throws Exception {
        var r = get("/v2/tasks", 25, 1);
        assertEquals(431, r.statusCode());
        var json = ServerFixture.json(r.body());
        assertEquals("error", json.get("status"));
        assertEquals("431", json.get("error"));
        assertEquals("more than 20 request headers", json.get("message"));
    }

    @Test
    void headersTooLargeAre431InEntryScapesEnvelope() throws Exception {
        var r = get("/rowstore/dataset/none/json", 1, 5000);
        assertEquals(431, r.statusCode());
        assertEquals("request headers larger than 4096 bytes", ServerFixture.json(r.body()).get("error"));
    }

    @Test
    void tooManyHeadersAre431AsCkansFrameworkPage() throws Exception {
        var r = get("/status", 25, 1);
        assertEquals(431, r.statusCode());
        assertTrue(r.body().contains("Request Header Fields Too Large"), r.body());
    }

    /**
     * A body declared over the limit (but under 8 MiB) is read before the 413, so a client that
     * sends it all before reading gets the answer, not a reset, and its connection stays open.
     */
    @Test
    void anOversizeBodyIsReadBeforeIts413AndTheConnectionGoesOn() throws Exception {
        try (var s = new java.net.Socket(fx.server.uri().getHost(), fx.server.uri().getPort())) {
            s.setSoTimeout(30_000);
            var out = s.getOutputStream();
            byte[] body = new byte[2 << 20];
            java.util.Arrays.fill(body, (byte) 'x');
            out.write(("PUT /v2/user_auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 413 Request Entity Too Large", in.readLine());
            long length = -1;
            for (String h; !(h = in.readLine()).isEmpty(); ) {
                if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
            }
            in.skip(length);
            assertEquals("HTTP/1.1 200 OK", in.readLine(), "the same connection serves the next request");
        }
    }

    @Test
    void requestsWithinTheLimitsAreServed() throws Exception {
        assertEquals(200, get("/status", 10, 100).statusCode());
        assertEquals(200, fx.send(fx.request("/healthz")).statusCode(), "and the server goes on after a 431");
    }
}
