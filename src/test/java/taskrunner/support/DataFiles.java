package taskrunner.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The web server a resource's file lives on, on 127.0.0.1: serves files (with or without a
 * {@code Content-Length}), redirects, and the faults of a real one: a body that stops after its
 * first bytes, or a {@code Content-Length} that claims more than the limit.
 *
 * <p>A stalled body is held until {@link #releaseStalls()}; the handler then writes until the
 * write fails, so {@link #clientLeft()} completes once the downloader has closed the connection.
 */
public final class DataFiles implements AutoCloseable {
    private record File(byte[] body, Path path, String type, boolean length, int stallAfter, String location, int status) {}

    private final HttpServer server;
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Boolean> clientLeft = new CompletableFuture<>();

    public DataFiles() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                requests.add(path + " Authorization=" + ex.getRequestHeaders().getFirst("Authorization"));
                File f = files.get(path);
                if (f == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                if (f.location() != null) {
                    ex.getResponseHeaders().set("Location", f.location());
                    ex.sendResponseHeaders(f.status(), -1);
                    return;
                }
                if (f.type() != null) ex.getResponseHeaders().set("Content-Type", f.type());
                long size = f.path() != null ? Files.size(f.path()) : f.body().length;
                ex.sendResponseHeaders(f.status(), f.length() ? size : 0);
                OutputStream out = ex.getResponseBody();
                if (f.stallAfter() >= 0) {
                    stall(out, f);
                } else if (f.path() != null) {
                    Files.copy(f.path(), out);
                } else {
                    out.write(f.body());
                }
            }
        });
        server.start();
    }

    /** Serves {@code body} at {@code /name}; returns its URL. */
    public String file(String name, byte[] body, String contentType, boolean withLength) {
        return put(name, new File(body, null, contentType, withLength, -1, null, 200));
    }

    /** Serves the file at {@code path} (streamed from disk, with its length). */
    public String file(String name, Path path, String contentType) {
        return put(name, new File(null, path, contentType, true, -1, null, 200));
    }

    /** Answers {@code status} with this body (an error page). */
    public String status(String name, int status, byte[] body) {
        return put(name, new File(body, null, "text/html", true, -1, null, status));
    }

    /** Sends the headers (a length of {@code body}) and its first {@code first} bytes, then nothing. */
    public String stalled(String name, byte[] body, int first) {
        return put(name, new File(body, null, "text/csv", true, first, null, 200));
    }

    /** Redirects {@code /name} to {@code location}. */
    public String redirect(String name, int status, String location) {
        return put(name, new File(null, null, null, false, -1, location, status));
    }

    /** Every request, as {@code <path> Authorization=<header or null>}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Lets stalled bodies go on, to find out whether their reader is still there. */
    public void releaseStalls() {
        release.countDown();
    }

    /** Completes once a stalled body's downloader has gone (a write to it failed). */
    public CompletableFuture<Boolean> clientLeft() {
        return clientLeft;
    }

    private String put(String name, File f) {
        files.put("/" + name, f);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    private void stall(OutputStream out, File f) throws IOException {
        out.write(f.body(), 0, f.stallAfter());
        out.flush();
        try {
            release.await(60, TimeUnit.SECONDS);
            // a closed peer fails a write within a few: one byte at a time until one fails
            ServerFixture.await("the stalled body's reader to be gone", java.time.Duration.ofSeconds(10), () -> {
                try {
                    out.write(f.body(), f.stallAfter(), 1);
                    out.flush();
                    return false;
                } catch (IOException gone) {
                    clientLeft.complete(true);
                    return true;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
