package taskrunner.bench;

import taskrunner.TaskServer;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.support.ChildServer;
import taskrunner.support.ServerFixture;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./build.sh bench [all|table|http|latency|rows|rows-checkpoint|startup|restart|restart-table|compaction|ckan|
 * datapusher|scaleout ...]}: prints the figures the project tracks; without arguments (or {@code all}) the table of
 * issue 14 ({@link PerfTable}), then the one of issue 13, one to three servers on one PostgreSQL
 * ({@link ScaleOutBench}); {@code table} or {@code scaleout} alone prints one of them. Every server is real
 * (HTTP on loopback, fsynced journal); load is bounded in count and time.
 */
public final class Bench {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Bench() {}

    public static void main(String[] args) throws Exception {
        taskrunner.Main.configureJdkServer(taskrunner.Config.defaults()); // in-process servers as the jar runs them
        // and log as the jar does (the JDK's own format allocated 2.4 times as much per line, JFR), to a file:
        // a million creations' lines are not the bench's output
        var serverLog = java.nio.file.Path.of("target", "bench-server.log");
        taskrunner.LogLines.installTo(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(serverLog)));
        PrintStream out = System.out;
        out.println("taskrunner benchmarks on " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        var only = java.util.Set.of(args);
        if (only.isEmpty() || only.contains("all") || only.contains("table")) {
            PerfTable.run(out); // every figure of issue 14, as a Markdown table
            if (!only.contains("table")) ScaleOutBench.run(out); // and issue 13's, about 4 minutes more
            return;
        }
        if (only.contains("http")) {
            for (int clients : new int[] {8, 32, 128}) creationsVersusTrivial(out, clients, Duration.ofSeconds(5));
        }
        if (only.contains("latency")) { // the table's creates/s and latency rows alone
            var rows = new ArrayList<PerfTable.Row>();
            PerfTable.throughputAndLatency(rows);
            for (var r : rows) out.println(r.figure() + ": " + r.taskrunner() + " (trivial " + r.trivial() + ")");
        }
        if (only.contains("rows")) millionRows(out);
        if (only.contains("rows-checkpoint")) millionRows(out, "--checkpoint-rows", "1000"); // the old default: also every 1000 rows
        if (only.contains("startup")) startup(out);
        if (only.contains("restart")) restartWith(out, 100_000);
        if (only.contains("restart-table")) PerfTable.restartRows(out);
        if (only.contains("compaction")) compactionUnderLoad(out, Integer.getInteger("bench.tasks", 1_000_000));
        if (only.contains("datapusher")) DataPusherBench.run(out);
        if (only.contains("scaleout")) ScaleOutBench.run(out);
        if (only.contains("ckan")) try {
            Class.forName("taskrunner.bench.CkanBench").getMethod("run", PrintStream.class).invoke(null, out);
        } catch (ClassNotFoundException e) {
            out.println("ckan: no CKAN benchmark in this build");
        }
    }

    static String login(URI base) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(base.resolve("v2/user_auth")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) ServerFixture.json(r.body()).get("auth_token");
    }

    @SuppressWarnings("unchecked")
    static String account(URI base, String token) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(base.resolve("v2/user_auth")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) ((Map<String, Object>) ServerFixture.json(r.body()).get("data")).get("account_id");
    }

    /** One request of a load loop: method, path, extra header lines, body (or null). */
    record Call(String method, String path, String headers, byte[] body) {}

    /** Runs {@code clients} keep-alive connections for {@code time}; returns requests/s answered with {@code ok}. */
    static double load(URI base, int clients, Duration time, int ok, java.util.function.LongFunction<Call> call) throws Exception {
        return load(base, clients, time, ok, call, null);
    }

    /** As above; each client also adds the nanoseconds of each of its requests to {@code latencies}, when given. */
    static double load(URI base, int clients, Duration time, int ok, java.util.function.LongFunction<Call> call,
                       java.util.Queue<long[]> latencies) throws Exception {
        return load(List.of(base), clients, time, ok, call, latencies);
    }

    /** As above, client {@code c} connected to {@code bases[c % size]}: servers behind a round-robin balancer. */
    static double load(List<URI> bases, int clients, Duration time, int ok, java.util.function.LongFunction<Call> call,
                       java.util.Queue<long[]> latencies) throws Exception {
        var done = new AtomicLong();
        var bad = new AtomicLong();
        var seq = new AtomicLong();
        long end = System.nanoTime() + time.toNanos();
        long t0 = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                URI base = bases.get(c % bases.size());
                pool.submit(() -> {
                    long[] took = new long[latencies == null ? 0 : 1 << 16];
                    int n = 0;
                    try (var client = new KeepAliveClient(base)) {
                        while (System.nanoTime() < end) {
                            Call k = call.apply(seq.incrementAndGet());
                            long r0 = System.nanoTime();
                            if (client.send(k.method(), k.path(), k.headers(), k.body()) == ok) done.incrementAndGet();
                            else bad.incrementAndGet();
                            if (latencies != null) {
                                if (n == took.length) took = java.util.Arrays.copyOf(took, 2 * n);
                                took[n++] = System.nanoTime() - r0;
                            }
                        }
                    } catch (Exception e) {
                        bad.incrementAndGet();
                    }
                    if (latencies != null) latencies.add(java.util.Arrays.copyOf(took, n));
                    return null;
                });
            }
        }
        if (bad.get() > 0) System.out.println("  (" + bad.get() + " requests failed)");
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    static void creationsVersusTrivial(PrintStream out, int clients, Duration time) throws Exception {
        try (var fx = new ServerFixture()) {
            URI base = fx.server.uri();
            String token = login(base);
            String account = account(base, token);
            String create = "/v2/accounts/" + account + "/tasks?category=examples&action=echo";
            String headers = "X-Auth-Token: " + token + "\r\nContent-Type: application/json\r\n";
            java.util.function.LongFunction<Call> trivialCall = n -> new Call("GET", "/healthz", "", null);
            java.util.function.LongFunction<Call> createCall = n -> new Call("PUT", create, headers,
                    ("{\"data\":{\"records\":[{\"n\":\"" + n + "\",\"v\":\"x\"}]}}").getBytes(StandardCharsets.UTF_8));
            load(base, clients, Duration.ofSeconds(2), 200, trivialCall); // warm-up
            load(base, clients, Duration.ofSeconds(2), 201, createCall);
            double trivial = load(base, clients, time, 200, trivialCall);
            double creates = load(base, clients, time, 201, createCall);
            out.printf("http: trivial handler (GET /healthz): %.0f req/s; durable task creations (PUT JSON records, fsynced): %.0f /s "
                    + "= %.0f%% of trivial (%d keep-alive clients, %ds each; %.1f writes per fsync)%n", trivial, creates,
                    100 * creates / trivial, clients, time.toSeconds(), fx.server.services().store().meanBatch());
        }
    }

    /** Prints the figures of a 1,000,000-row CSV through examples/echo; returns the run's seconds (NaN if it did not end done). */
    static double millionRows(PrintStream out, String... serverFlags) throws Exception {
        Path data = Files.createTempDirectory("bench-rows");
        int rows = 1_000_000;
        try (var s = ChildServer.start(data, List.of("-Xmx64m"), serverFlags)) {
            String token = login(s.uri);
            String account = account(s.uri, token);
            long t0 = System.nanoTime();
            var r = HTTP.send(HttpRequest.newBuilder(s.uri.resolve("v2/accounts/" + account + "/tasks?category=examples&action=echo"))
                    .header("X-Auth-Token", token).header("Content-Type", "text/csv")
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> csv(rows))).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) throw new IllegalStateException("create failed: " + r.body());
            long uploaded = System.nanoTime();
            @SuppressWarnings("unchecked")
            String id = (String) ((Map<String, Object>) ((Map<String, Object>) ServerFixture.json(r.body()).get("data")).get("_read_only")).get("id");
            URI task = s.uri.resolve("v2/accounts/" + account + "/tasks/" + id);
            HTTP.send(HttpRequest.newBuilder(task).header("X-Auth-Token", token).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            long started = System.nanoTime();
            var last = new java.util.concurrent.atomic.AtomicReference<Map<?, ?>>();
            ServerFixture.await("the 1,000,000-row task to end (or its server to die)", Duration.ofMinutes(10),
                    Duration.ofMillis(50), () -> {
                try {
                    var g = HTTP.send(HttpRequest.newBuilder(task).header("X-Auth-Token", token).build(), HttpResponse.BodyHandlers.ofString());
                    last.set((Map<?, ?>) ((Map<?, ?>) ServerFixture.json(g.body()).get("data")).get("_read_only"));
                } catch (Exception e) {
                    return !s.process.isAlive();
                }
                return !"executing".equals(last.get().get("status")) || !s.process.isAlive();
            });
            long finished = System.nanoTime();
            Map<?, ?> t = last.get();
            Object status = t == null ? "unknown" : t.get("status");
            out.printf("rows: %d-row CSV through examples/echo, server heap -Xmx64m %s: upload+validate %.1f s, "
                            + "run %.1f s = %.0f rows/s; status %s, success_count %s, server alive: %s%n",
                    rows, String.join(" ", serverFlags), (uploaded - t0) / 1e9, (finished - started) / 1e9, rows / ((finished - started) / 1e9),
                    status, t.get("success_count"), s.process.isAlive());
            return "success".equals(status) || "complete".equals(status) ? (finished - started) / 1e9 : Double.NaN;
        } finally {
            deleteTree(data);
        }
    }

    private static InputStream csv(int rows) {
        return new InputStream() {
            int row = -1;
            byte[] line = new byte[0];
            int pos;

            @Override
            public int read() {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int done = 0;
                while (done < len) { // fill the whole buffer: the client sends one chunk per read
                    if (pos == line.length) {
                        if (row >= rows) return done == 0 ? -1 : done;
                        line = (row < 0 ? "id,name,email\n" : row + ",name " + row + ",user" + row + "@example.com\n")
                                .getBytes(StandardCharsets.UTF_8);
                        row++;
                        pos = 0;
                    }
                    int n = Math.min(len - done, line.length - pos);
                    System.arraycopy(line, pos, b, off + done, n);
                    pos += n;
                    done += n;
                }
                return done;
            }
        };
    }

    static void startup(PrintStream out) throws Exception {
        Path data = Files.createTempDirectory("bench-start");
        try {
            out.printf("startup: process start to first answered request (fresh data dir): %d ms%n", timeToFirstAnswer(data));
        } finally {
            deleteTree(data);
        }
    }

    /** Starts the server process and polls /healthz until it answers; returns the milliseconds. */
    static long timeToFirstAnswer(Path data) throws Exception {
        long t0 = System.nanoTime();
        int port;
        try (var sock = new java.net.ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        var cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", ChildServer.classpath(),
                "taskrunner.Main", "--port", String.valueOf(port), "--data", data.toString(), "--admin-password", "x");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitFirst200(p, URI.create("http://127.0.0.1:" + port + "/healthz"));
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Polls {@code uri} until process {@code p} answers it 200 (at most 2 minutes; throws if {@code p} exits). */
    static void awaitFirst200(Process p, URI uri) throws InterruptedException {
        ServerFixture.await("the first 200 of " + uri, Duration.ofMinutes(2), Duration.ofMillis(2), () -> {
            if (!p.isAlive()) throw new IllegalStateException("server exited");
            try {
                return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Fills {@code data} with {@code count} pending Kazoo tasks (64 writers), then compacts when asked. */
    public static void fill(Path data, int count, boolean compact) throws Exception {
        var events = java.util.logging.Logger.getLogger(taskrunner.core.Lifecycle.class.getName());
        var level = events.getLevel();
        events.setLevel(java.util.logging.Level.WARNING); // a million "task created" lines would time the log, not the store
        try {
            fillQuietly(data, count, compact);
        } finally {
            events.setLevel(level);
        }
    }

    private static void fillQuietly(Path data, int count, boolean compact) throws Exception {
        try (var server = TaskServer.builder().port(0).dataDir(data).adminPassword("x").examples().build().start();
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var lifecycle = server.services().lifecycle();
            String account = server.services().identity().root().id();
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            int writers = 64;
            for (int w = 0; w < writers; w++) {
                int mine = count / writers + (w < count % writers ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < mine; i++) {
                        lifecycle.create(Task.draft(TaskService.newId(15), "kazoo", "examples/echo",
                                account, account, System.currentTimeMillis()).withTotal(1L).withFileName("in.csv"));
                    }
                    return null;
                }));
            }
            for (var f : futures) f.get();
            if (compact) server.services().store().compact();
        }
    }

    static void restartWith(PrintStream out, int count) throws Exception {
        Path data = Files.createTempDirectory("bench-restart");
        try {
            fill(data, count, false);
            long bytes = Files.size(data.resolve("journal.jsonl"));
            out.printf("restart: %d tasks in the journal (%.1f MB): process start to first answered request: %d ms%n",
                    count, bytes / 1e6, timeToFirstAnswer(data));
        } finally {
            deleteTree(data);
        }
    }

    /**
     * Fills a data dir with {@code count} tasks, then creates tasks from 16 writers while a
     * compaction of them all runs: the latency of the creates that overlapped it, against the rest.
     */
    static void compactionUnderLoad(PrintStream out, int count) throws Exception {
        Path data = Files.createTempDirectory("bench-compaction");
        var events = java.util.logging.Logger.getLogger(taskrunner.core.Lifecycle.class.getName());
        var level = events.getLevel();
        try {
            fill(data, count, true);
            events.setLevel(java.util.logging.Level.WARNING);
            try (var server = TaskServer.builder().port(0).dataDir(data).adminPassword("x").examples().build().start()) {
                var lifecycle = server.services().lifecycle();
                String account = server.services().identity().root().id();
                var stop = new java.util.concurrent.atomic.AtomicBoolean();
                var creates = new java.util.concurrent.ConcurrentLinkedQueue<long[]>(); // start, nanoseconds
                var writers = new ArrayList<Thread>();
                for (int w = 0; w < 16; w++) {
                    writers.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            long t0 = System.nanoTime();
                            try {
                                lifecycle.create(Task.draft(TaskService.newId(15), "kazoo", "examples/echo", account, account,
                                        System.currentTimeMillis()).withTotal(1L).withFileName("in.csv"));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            creates.add(new long[] {t0, System.nanoTime() - t0});
                        }
                    }));
                }
                Thread.sleep(3000);
                long c0 = System.nanoTime();
                server.services().store().compact();
                long c1 = System.nanoTime();
                Thread.sleep(1000);
                stop.set(true);
                for (Thread t : writers) t.join();
                var during = new ArrayList<Long>();
                long outside = 0;
                for (long[] c : creates) {
                    if (c[0] < c1 && c[0] + c[1] > c0) during.add(c[1]);
                    else outside = Math.max(outside, c[1]);
                }
                java.util.Collections.sort(during);
                out.printf("compaction: %,d tasks compacted in %.1f s while 16 writers create tasks: %d creates overlapped it, "
                                + "p50 %.1f ms, max %.0f ms (max of the others %.0f ms)%n", count, (c1 - c0) / 1e9, during.size(),
                        during.isEmpty() ? 0 : during.get(during.size() / 2) / 1e6, during.isEmpty() ? 0 : during.getLast() / 1e6,
                        outside / 1e6);
            }
        } finally {
            events.setLevel(level);
            deleteTree(data);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
