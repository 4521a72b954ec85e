package taskrunner.ckan;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A result_url receiver on 127.0.0.1 started by a test: records every request (path,
 * headers, body) and answers with the status the test chooses, or never answers until
 * closed.
 */
final class CallbackReceiver implements AutoCloseable {
    record Received(String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            return null;
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    volatile IntSupplier statuses;
    volatile boolean hang;
    /** This many first requests hang (until close), the rest answer. */
    final AtomicInteger hangFirst = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpServer server;

    CallbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
                if (hang || hangFirst.getAndDecrement() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                int s = statuses != null ? statuses.getAsInt() : status.get();
                byte[] out = "{\"success\": true}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(s, out.length);
                ex.getResponseBody().write(out);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
