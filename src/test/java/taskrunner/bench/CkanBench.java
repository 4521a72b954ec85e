package taskrunner.bench;

import com.sun.net.httpserver.HttpServer;
import taskrunner.TaskServer;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Async CKAN jobs per second, submit to complete: {@code POST /job} of the built-in
 * {@code sleep} with time 0 and a result_url, from concurrent clients, until every
 * callback has reached a receiver on loopback. A first, smaller round warms the JIT and
 * is not reported. Run by the lead's {@code Bench}; {@code -Dbench.ckan.jobs},
 * {@code -Dbench.ckan.clients} change the load.
 */
public final class CkanBench {
    private CkanBench() {}

    public static void run(PrintStream out) throws Exception {
        int jobs = Integer.getInteger("bench.ckan.jobs", 2000);
        int clients = Integer.getInteger("bench.ckan.clients", 32);
        Path dir = Files.createTempDirectory("ckan-bench");
        var done = new AtomicReference<CountDownLatch>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
            }
            done.get().countDown();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try (TaskServer server = TaskServer.builder().port(0).dataDir(dir).adminPassword("benchpass").examples().build().start()) {
            round(server, hook, done, jobs / 4, clients);
            var r = round(server, hook, done, jobs, clients);
            out.printf("async jobs/s (submit to complete, with callback): %.0f%n", r.rate);
            if (r.refused > 0) out.println("  (" + r.refused + " submissions refused)");
        } finally {
            receiver.stop(0);
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Result(double rate, int refused) {}

    private static Result round(TaskServer server, String hook, AtomicReference<CountDownLatch> done, int jobs, int clients)
            throws Exception {
        var latch = new CountDownLatch(jobs);
        done.set(latch);
        var refused = new AtomicInteger();
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI submit = server.uri().resolve("job");
        String body = "{\"job_type\": \"sleep\", \"api_key\": \"k\", \"data\": {\"time\": 0}, \"result_url\": \"" + hook + "\"}";
        var next = new AtomicInteger();
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (next.getAndIncrement() < jobs) {
                        var r = http.send(HttpRequest.newBuilder(submit).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            refused.incrementAndGet();
                            latch.countDown();
                        }
                    }
                    return null;
                });
            }
        }
        if (!latch.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("callbacks did not all arrive");
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result((jobs - refused.get()) / seconds, refused.get());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
