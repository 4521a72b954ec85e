package taskrunner.entryscape.proxy;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import taskrunner.http.HttpError;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The proxy's fetch keeps its time limit over the whole exchange, however the host stalls (no
 * headers, or headers and then a body that stops), and its size limit; a short limit stands
 * in for the 10 s and 4 MiB the proxy uses.
 */
class RemoteFetchTest {
    HttpServer host;
    final CountDownLatch release = new CountDownLatch(1);
    URI base;

    @BeforeEach
    void start() throws IOException {
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        host.createContext("/silent", ex -> {
            await();
            ex.close();
        });
        host.createContext("/trickle", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (var out = ex.getResponseBody()) {
                out.write("{\"a\":".getBytes(StandardCharsets.UTF_8));
                out.flush();
                await();
            } catch (IOException gone) {
                // the fetch gave up
            }
        });
        host.createContext("/sized", ex -> {
            byte[] b = new byte[Integer.parseInt(ex.getRequestURI().getQuery())];
            ex.sendResponseHeaders(200, b.length);
            try (var out = ex.getResponseBody()) {
                out.write(b);
            } catch (IOException gone) {
                // the fetch stopped at its limit
            }
        });
        host.start();
        base = URI.create("http://127.0.0.1:" + host.getAddress().getPort());
    }

    private void await() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        host.stop(0);
    }

    static int status(HttpError e) {
        return e.response().status();
    }

    static String message(HttpError e) throws IOException {
        return (String) ServerFixture.json(new String(e.response().bodyBytes(), StandardCharsets.UTF_8)).get("error");
    }

    @Test
    void aHostThatSendsNoHeadersOrStopsItsBodyIsCutAtTheTimeLimit() throws Exception {
        var fetch = new RemoteFetch(Duration.ofMillis(300), 1024);
        for (String path : new String[] {"/silent", "/trickle"}) {
            var e = assertThrows(HttpError.class, () -> fetch.fetch(base.resolve(path), null), path);
            assertEquals(504, status(e), path);
            assertTrue(message(e).contains("did not answer within 300 ms"), message(e));
        }
    }

    @Test
    void aBodyUpToTheLimitPassesAndALargerOneIsRefused() throws Exception {
        var fetch = new RemoteFetch(Duration.ofSeconds(10), 1024);
        assertEquals(200, fetch.fetch(base.resolve("/sized?1024"), null).status());
        var e = assertThrows(HttpError.class, () -> fetch.fetch(base.resolve("/sized?1025"), null));
        assertEquals(502, status(e));
        assertTrue(message(e).contains("larger than the proxy's 1 KiB"), message(e));
    }

    @Test
    void aHostNobodyListensOnIsABadGateway() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var e = assertThrows(HttpError.class, () -> new RemoteFetch(Duration.ofSeconds(5), 1024).fetch(URI.create("http://127.0.0.1:" + port + "/"), null));
        assertEquals(502, status(e));
        assertTrue(message(e).contains("could not fetch from 127.0.0.1:" + port), message(e));
    }
}
