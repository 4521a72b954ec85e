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

    @Test
    void requestsWithinTheLimitsAreServed() throws Exception {
        assertEquals(200, get("/status", 10, 100).statusCode());
        assertEquals(200, fx.send(fx.request("/healthz")).statusCode(), "and the server goes on after a 431");
    }
}
