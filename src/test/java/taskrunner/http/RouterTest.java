package taskrunner.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.*;

class RouterTest {
    HttpServer server;
    URI base;
    final HttpClient http = HttpClient.newHttpClient();
    final ErrorEnvelope face = (req, status, message) -> Response.json(status, Map.of("face", "test", "status", status, "message", message));

    @BeforeEach
    void start() throws Exception {
        var router = new Router(100, 200, 65536, 8192)
                .route("GET", "/boom", face, req -> {
                    throw new IllegalStateException("a bug");
                })
                .route("GET", "/items/{id}", face, req -> Response.text(200, "text/plain", "item " + req.param("id")))
                .route("GET", "/files/{path*}", face, req -> Response.text(200, "text/plain", req.param("path")))
                .route("POST", "/echo", face, req -> Response.bytes(200, "application/octet-stream", req.bodyBytes()))
                .route("POST", "/json", face, req -> Response.json(200, Map.of("got", String.valueOf(req.bodyJson()))))
                .route("GET", "/refuse", face, req -> {
                    throw new HttpError(Response.text(418, "text/plain", "teapot"));
                })
                .route("GET", "/full", face, req -> {
                    throw new Full("no space");
                })
                .route("GET", "/wrapped", face, req -> {
                    throw new java.io.UncheckedIOException(new Full("no space, wrapped"));
                })
                .refuse(Full.class, 507, null, null)
                .face("/items", face);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", router);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A checked failure type, as store.StorageFull is. */
    static final class Full extends java.io.IOException {
        Full(String message) {
            super(message);
        }
    }

    @Test
    void aDeclaredRefusalIsItsStatusInTheFacesEnvelopeEvenAsTheCauseOfWhatWasThrown() throws Exception {
        for (String path : new String[] {"/full", "/wrapped"}) {
            var r = get(path);
            assertEquals(507, r.statusCode(), path);
            assertTrue(r.body().contains("\"face\":\"test\""), r.body());
            assertTrue(r.body().contains("\"message\":\"no space"), r.body());
        }
    }

    @Test
    void anUnexpectedExceptionIsTheFaces500AndTheServerGoesOn() throws Exception {
        var r = get("/boom");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("\"face\":\"test\""), r.body());
        assertTrue(r.headers().firstValue("X-Request-ID").isPresent());
        assertEquals("item 7", get("/items/7").body());
    }

    @Test
    void pathParametersAndRestParameters() throws Exception {
        assertEquals("item abc", get("/items/abc").body());
        assertEquals("a/b/c.txt", get("/files/a/b/c.txt").body());
    }

    @Test
    void unknownPathsAndMethodsUseTheFaceEnvelope() throws Exception {
        var r = get("/items/1/2");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"face\":\"test\""));
        r = post("/items/1", "x");
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void bodiesOverTheLimitAre413AndMalformedJsonIs400() throws Exception {
        assertEquals("hello", post("/echo", "hello").body());
        assertEquals(413, post("/echo", "x".repeat(101)).statusCode());
        assertEquals(400, post("/json", "{broken").statusCode());
        assertEquals(200, post("/json", "{\"a\":1}").statusCode());
    }

    @Test
    void anHttpErrorCarriesItsResponse() throws Exception {
        var r = get("/refuse");
        assertEquals(418, r.statusCode());
        assertEquals("teapot", r.body());
    }

    @Test
    void theClientsRequestIdIsEchoed() throws Exception {
        var r = http.send(HttpRequest.newBuilder(base.resolve("/items/1")).header("X-Request-ID", "abc-123").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("abc-123", r.headers().firstValue("X-Request-ID").orElse(""));
    }
}
