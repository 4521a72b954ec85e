package taskrunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The server's own deadlines ({@link taskrunner.http.ExchangeDeadlines}), over raw sockets: a
 * request's line and headers must arrive within the request time, a body that keeps flowing
 * may take longer than that, and a body or a response that stands still is cut after the idle
 * time. A request target over the limit is 414 in the face's envelope.
 */
class RequestDeadlinesTest {
    static final long REQUEST_S = 2, IDLE_S = 2;
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(c -> c.maxRequestTimeS(REQUEST_S).bodyIdleTimeoutS(IDLE_S).maxUriChars(2000)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A client that sends at its own pace: the pauses are its slowness, not a wait for the server. */
    static final class SlowClient implements AutoCloseable {
        final Socket socket = new Socket();
        final OutputStream out;
        final InputStream in;

        SlowClient(URI server, int receiveBuffer) throws IOException {
            if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        SlowClient() throws IOException {
            this(fx.server.uri(), 0);
        }

        void send(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends {@code s} in pieces of {@code piece} characters, pausing between them. */
        void trickle(String s, int piece, Duration pause) throws IOException, InterruptedException {
            for (int at = 0; at < s.length(); at += piece) {
                send(s.substring(at, Math.min(s.length(), at + piece)));
                Thread.sleep(pause.toMillis());
            }
        }

        /** Everything the server sends until it closes the connection (or 30 s pass). */
        String readAll() throws IOException {
            var buf = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            try {
                for (int n; (n = in.read(b)) >= 0; ) buf.write(b, 0, n);
            } catch (SocketTimeoutException e) {
                fail("the server neither answered nor closed within 30 s; so far: " + buf);
            } catch (IOException reset) {
                // a reset is a close too
            }
            return buf.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void aBodyThatKeepsFlowingIsServedPastTheRequestTime() throws Exception {
        flowingUpload(fx.server.uri());
    }

    /** The command line once left the limit to the JDK, which cut such an upload with no answer. */
    @Test
    void theCommandLineServerServesAFlowingUploadPastItsRequestTimeToo(@TempDir Path data) throws Exception {
        try (var child = ChildServer.start(data, "--max-request-time-s", "" + REQUEST_S, "--body-idle-timeout-s", "" + IDLE_S)) {
            flowingUpload(child.uri);
        }
    }

    static void flowingUpload(URI server) throws Exception {
        String data = "x".repeat(20_000);
        String request = post("/job", "{\"job_type\": \"echo\", \"api_key\": \"k\", \"data\": \"" + data + "\"}");
        long t0 = System.nanoTime();
        try (var c = new SlowClient(server, 0)) {
            // 500 characters every 100 ms: about 4 s in all, twice the request time, never idle.
            c.trickle(request, 500, Duration.ofMillis(100));
            String answer = c.readAll();
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() >= REQUEST_S, "the upload took longer than the request time");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer.length() > 300 ? answer.substring(0, 300) : answer);
            assertTrue(answer.contains(data), "the job saw the whole body");
        }
    }

    @Test
    void aBodyThatStandsStillIsCut() throws Exception {
        long t0 = System.nanoTime();
        try (var c = new SlowClient()) {
            c.send("POST /job HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"job_type\"");
            assertEquals("", c.readAll(), "no answer: the body never came");
        }
        long s = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(s >= IDLE_S * 1000 - 100 && s < IDLE_S * 1000 + 5000, "cut after about the idle time, not " + s + " ms");
        assertEquals(200, fx.send(fx.request("/status")).statusCode(), "and the server goes on");
    }

    @Test
    void headersThatTrickleAreCutAtTheRequestTime() throws Exception {
        long t0 = System.nanoTime();
        try (var c = new SlowClient()) {
            c.send("GET /status HTTP/1.1\r\nHost: x\r\n");
            // A header line that keeps coming, one character per 100 ms, for ten times the limit.
            var sent = new StringBuilder();
            try {
                for (int i = 0; i < REQUEST_S * 100; i++) {
                    c.send("X");
                    sent.append('X');
                    Thread.sleep(100);
                }
                fail("the server took headers for " + sent.length() / 10 + " s");
            } catch (IOException cut) {
                // the write failed: the server closed the connection
            }
        }
        long s = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(s >= REQUEST_S * 1000 - 100 && s < REQUEST_S * 1000 + 5000, "cut after about the request time, not " + s + " ms");
    }

    @Test
    void aClientThatStopsReadingTheResponseIsCut() throws Exception {
        // A task's 16 MB input CSV cannot fit in the socket buffers of a client that reads nothing.
        var admin = KazooClient.admin(fx);
        var csv = new StringBuilder("name,note\n");
        while (csv.length() < 16 << 20) csv.append("row").append(csv.length()).append(",").append("z".repeat(100)).append('\n');
        String id = admin.createCsv("examples", "echo", csv.toString());
        long t0;
        try (var c = new SlowClient(fx.server.uri(), 4096)) {
            c.send("GET " + admin.tasksPath() + "/" + id + "/input HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n"
                    + "X-Auth-Token: " + admin.token + "\r\nConnection: close\r\n\r\n");
            t0 = System.nanoTime();
            ServerFixture.await("the response to start", Duration.ofSeconds(10), () -> fx.server.openExchanges() == 1);
            // Not reading until the server has given up: what was buffered then ends short of the answer.
            ServerFixture.await("the stalled response to be cut", Duration.ofSeconds(IDLE_S + 10), Duration.ofMillis(100),
                    () -> fx.server.openExchanges() == 0);
            long s = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertTrue(s >= IDLE_S * 1000 - 100, "not before the idle time: " + s + " ms");
            String got = c.readAll();
            assertTrue(got.startsWith("HTTP/1.1 200"), "the answer began");
            assertTrue(got.length() < csv.length(), "and was cut short: " + got.length() + " characters came");
        }
        assertEquals(200, fx.send(fx.request("/status")).statusCode(), "and the server goes on");
    }

    @Test
    void aLongRequestTargetIs414InTheFacesEnvelope() throws Exception {
        String longQuery = "?q=" + "a".repeat(2100);
        var kazoo = fx.send(fx.request("/v2/tasks" + longQuery));
        assertEquals(414, kazoo.statusCode());
        var json = ServerFixture.json(kazoo.body());
        assertEquals("error", json.get("status"));
        assertEquals("request target longer than 2000 characters", json.get("message"));

        var rowstore = fx.send(fx.request("/rowstore/dataset/none/json" + longQuery));
        assertEquals(414, rowstore.statusCode());
        assertEquals("request target longer than 2000 characters", ServerFixture.json(rowstore.body()).get("error"));

        var ckan = fx.send(fx.request("/status" + longQuery));
        assertEquals(414, ckan.statusCode());
        assertTrue(ckan.body().contains("Request-URI Too Large"), ckan.body());

        assertEquals(200, fx.send(fx.request("/status?q=" + "a".repeat(1900))).statusCode(), "a target within the limit is served");
    }
}
