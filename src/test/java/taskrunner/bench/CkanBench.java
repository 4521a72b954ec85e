package taskrunner.bench;

import com.sun.net.httpserver.HttpServer;
import taskrunner.TaskServer;

import java.io.IOException;
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
import java.util.List;
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
 * {@code -Dbench.ckan.clients} change the load. {@link ScaleOutBench} runs the same rounds
 * against several servers.
 */
public final class CkanBench {
    private CkanBench() {}

    public static void run(PrintStream out) throws Exception {
        int jobs = Integer.getInteger("bench.ckan.jobs", 2000);
        int clients = Integer.getInteger("bench.ckan.clients", 32);
        Path dir = Files.createTempDirectory("ckan-bench");
        try (var receiver = Receiver.start();
             TaskServer server = TaskServer.builder().port(0).dataDir(dir).adminPassword("benchpass").examples().build().start()) {
            var servers = List.of(server.uri());
            round(servers, receiver, jobs / 4, clients);
            var r = round(servers, receiver, jobs, clients);
            out.printf("async jobs/s (submit to complete, with callback): %.0f%n", r.rate);
            if (r.refused > 0) out.println("  (" + r.refused + " submissions refused)");
        } finally {
            Bench.deleteTree(dir);
        }
    }

    /**
     * The result_url of the jobs: an HTTP server on loopback that answers every callback 200 and
     * counts it down on the latch of the round under way (one round at a time).
     */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final AtomicReference<CountDownLatch> round = new AtomicReference<>(new CountDownLatch(0));

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            var r = new Receiver(s);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(200, -1);
                }
                r.round.get().countDown();
            });
            s.start();
            return r;
        }

        String hook() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    record Result(double rate, int refused) {}

    /**
     * Submits {@code jobs} jobs from {@code clients} concurrent clients, client {@code c} to
     * {@code servers[c % size]}, and waits for every callback; the rate counts submission to the
     * last callback. A refused submission (not 200) counts as refused, not as a job.
     */
    static Result round(List<URI> servers, Receiver receiver, int jobs, int clients) throws Exception {
        var latch = new CountDownLatch(jobs);
        receiver.round.set(latch);
        var refused = new AtomicInteger();
        var statuses = new java.util.concurrent.ConcurrentSkipListMap<Integer, Integer>();
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"job_type\": \"sleep\", \"api_key\": \"k\", \"data\": {\"time\": 0}, \"result_url\": \""
                + receiver.hook() + "\"}";
        var next = new AtomicInteger();
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                URI submit = servers.get(c % servers.size()).resolve("job");
                pool.submit(() -> {
                    while (next.getAndIncrement() < jobs) {
                        var r = http.send(HttpRequest.newBuilder(submit).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            refused.incrementAndGet();
                            statuses.merge(r.statusCode(), 1, Integer::sum);
                            latch.countDown();
                        }
                    }
                    return null;
                });
            }
        }
        if (!latch.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("callbacks did not all arrive");
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!statuses.isEmpty()) System.out.println("  CKAN submissions refused, by status: " + statuses);
        return new Result((jobs - refused.get()) / seconds, refused.get());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
