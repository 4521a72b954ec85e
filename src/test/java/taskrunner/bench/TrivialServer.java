package taskrunner.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The yardstick of {@link PerfTable}: a JDK {@link HttpServer} on virtual threads whose one
 * handler answers every request with a fixed JSON body. {@code main(port)} runs it as a process.
 */
final class TrivialServer {
    private static final byte[] BODY = "{\"status\":\"success\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);

    private TrivialServer() {}

    static HttpServer start(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, BODY.length);
            try (var out = ex.getResponseBody()) {
                out.write(BODY);
            }
        });
        s.start();
        return s;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        start(Integer.parseInt(args[0]));
    }
}
