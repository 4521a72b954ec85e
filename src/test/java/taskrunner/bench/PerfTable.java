package taskrunner.bench;

import taskrunner.support.ServerFixture;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;

/**
 * {@code ./build.sh bench} (or {@code all}): every figure of issue 14 as measured in this run,
 * printed as the Markdown table README's Performance section shows. The yardstick is
 * {@link TrivialServer}, started by this run: as a process for the start figures, in this JVM
 * beside an in-process taskrunner for throughput. The load generator is {@link KeepAliveClient}
 * (one virtual thread per keep-alive connection; wrk is not installed) on the same machine.
 */
final class PerfTable {
    private static final int TASKS = Integer.getInteger("bench.tasks", 1_000_000);
    private static final Duration LATENCY_TIME = Duration.ofSeconds(Integer.getInteger("bench.latencySeconds", 20));

    private PerfTable() {}

    record Row(String figure, String taskrunner, String trivial, String goal, boolean met) {}

    /** A started process: milliseconds from launch to its first 200, its RSS (KiB) and CPU time (ms) then. */
    private record Started(Process process, long ms, long rssKb, long cpuMs) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    static void run(PrintStream out) throws Exception {
        var rows = new ArrayList<Row>();
        String load0 = loadAverage();
        startFigures(rows);
        restartFigures(rows);
        throughputAndLatency(rows);
        double csv = Bench.millionRows(out);
        rows.add(new Row("1,000,000-row CSV through `examples/echo` (server `-Xmx64m`), run", Double.isNaN(csv) ? "did not end in success"
                : String.format("%.2f s", csv), "–", "≤ 1 s", csv <= 1.0));
        out.println();
        out.printf("`./build.sh bench` on %s, %d cores, %s %s, %s; load average before %s, after %s%n%n",
                host(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Instant.now().toString().substring(0, 16) + "Z", load0, loadAverage());
        out.println("| figure | taskrunner | trivial server | goal | met |");
        out.println("|---|---|---|---|---|");
        for (Row r : rows) out.printf("| %s | %s | %s | %s | %s |%n", r.figure, r.taskrunner, r.trivial, r.goal, r.met ? "yes" : "no");
    }

    /** Process start to first 200 and RSS then, fresh data dir, three of each (alternating), medians. */
    private static void startFigures(List<Row> rows) throws Exception {
        long[] ours = new long[3], theirs = new long[3], ourRss = new long[3], theirRss = new long[3];
        long[] ourCpu = new long[3], theirCpu = new long[3];
        Path jar = Path.of("target/taskrunner.jar"), archive = Path.of("target/taskrunner.jsa");
        if (Files.exists(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
            Files.delete(archive); // an archive of an older jar: the JVM would not use it, nor remake it
        }
        Path first = Files.createTempDirectory("bench-start");
        try (var s = start(taskrunner(first), List.of("--admin-password", "x"), "/healthz")) {
            s.process.destroy(); // SIGTERM: the JVM writes (or keeps) the archive as it exits
            s.process.waitFor();
        } finally {
            Bench.deleteTree(first);
        }
        for (int i = 0; i < 3; i++) {
            Path data = Files.createTempDirectory("bench-start");
            try (var t = start(List.of("-cp", "target/test-classes", "taskrunner.bench.TrivialServer"), List.of(), "/");
                 var s = start(taskrunner(data), List.of("--admin-password", "x"), "/healthz")) {
                theirs[i] = t.ms;
                theirRss[i] = t.rssKb;
                theirCpu[i] = t.cpuMs;
                ours[i] = s.ms;
                ourRss[i] = s.rssKb;
                ourCpu[i] = s.cpuMs;
            } finally {
                Bench.deleteTree(data);
            }
        }
        double ratio = (double) median(ours) / median(theirs);
        rows.add(new Row("process start to first 200, fresh data dir (median of 3; the jar with its CDS archive)",
                median(ours) + " ms (" + range(ours) + ") = " + String.format("%.2f×", ratio) + " trivial; CPU "
                        + median(ourCpu) + " ms = " + String.format("%.2f×", (double) median(ourCpu) / median(theirCpu)),
                median(theirs) + " ms (" + range(theirs) + "); CPU " + median(theirCpu) + " ms", "≤ 1.5× trivial", ratio <= 1.5));
        rows.add(new Row("RSS right after start (median of 3)", median(ourRss) / 1024 + " MB", median(theirRss) / 1024 + " MB",
                "≤ 80 MB", median(ourRss) / 1024 <= 80));
    }

    /** A data dir of {@link #TASKS} tasks, compacted: restart time, live heap, and whether -Xmx512m starts. */
    private static void restartFigures(List<Row> rows) throws Exception {
        Path data = Files.createTempDirectory("bench-restart");
        try {
            long f0 = System.nanoTime();
            Bench.fill(data, TASKS, true);
            System.out.printf("filled a data dir with %,d tasks in %.1f s%n", TASKS, (System.nanoTime() - f0) / 1e9);
            long snapshot = Files.size(data.resolve("snapshot.bin"));
            long restart;
            long restartCpu;
            long live;
            try (var s = start(taskrunner(data), List.of(), "/healthz")) {
                restart = s.ms;
                restartCpu = s.cpuMs;
                live = liveHeapBytes(s.process.pid());
            }
            String small;
            boolean smallOk;
            try (var s = start(taskrunner(data, "-Xmx512m"), List.of(), "/healthz")) {
                small = "starts with -Xmx512m (" + s.ms + " ms)";
                smallOk = true;
            } catch (IllegalStateException e) {
                small = "does not start with -Xmx512m";
                smallOk = false;
            }
            rows.add(new Row(String.format("restart with %,d tasks in the data dir (%.0f MB snapshot)", TASKS, snapshot / 1e6),
                    String.format("%.1f s (CPU %.1f s)", restart / 1e3, restartCpu / 1e3), "–", "≤ 2 s", restart <= 2000));
            rows.add(new Row(String.format("live heap holding %,d tasks (after a full GC)", TASKS),
                    live / (1 << 20) + " MB; " + small, "–", "≤ 250 MB, starts with -Xmx512m", live <= 250L << 20 && smallOk));
        } finally {
            Bench.deleteTree(data);
        }
    }

    /**
     * {@code ./build.sh bench restart-table}: the table's two rows of a restart with {@link #TASKS}
     * tasks (restart time, live heap), measured and printed as the full table prints them.
     */
    static void restartRows(PrintStream out) throws Exception {
        var rows = new ArrayList<Row>();
        String load0 = loadAverage();
        restartFigures(rows);
        out.printf("`./build.sh bench restart-table` on %s, %d cores, %s %s, %s; load average before %s, after %s%n%n",
                host(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Instant.now().toString().substring(0, 16) + "Z", load0, loadAverage());
        for (Row r : rows) out.printf("| %s | %s | %s | %s | %s |%n", r.figure, r.taskrunner, r.trivial, r.goal, r.met ? "yes" : "no");
    }

    /** Creates/s at 32 connections against the trivial server's answers/s; then latencies at 64 connections. */
    static void throughputAndLatency(List<Row> rows) throws Exception {
        var trivialServer = TrivialServer.start(0);
        try (var fx = new ServerFixture()) {
            URI trivial = URI.create("http://127.0.0.1:" + trivialServer.getAddress().getPort() + "/");
            URI base = fx.server.uri();
            String token = Bench.login(base);
            String create = "/v2/accounts/" + Bench.account(base, token) + "/tasks?category=examples&action=echo";
            String headers = "X-Auth-Token: " + token + "\r\nContent-Type: application/json\r\n";
            LongFunction<Bench.Call> get = n -> new Bench.Call("GET", "/", "", null);
            LongFunction<Bench.Call> put = n -> new Bench.Call("PUT", create, headers,
                    ("{\"data\":{\"records\":[{\"n\":\"" + n + "\",\"v\":\"x\"}]}}").getBytes(StandardCharsets.UTF_8));
            Duration warm = Duration.ofSeconds(3), time = Duration.ofSeconds(10);
            Bench.load(trivial, 32, warm, 200, get);
            Bench.load(base, 32, warm, 201, put);
            double t = Bench.load(trivial, 32, time, 200, get);
            double c = Bench.load(base, 32, time, 201, put);
            rows.add(new Row("durable Kazoo creates/s, 32 keep-alive connections, 10 s (Java client in the same JVM)",
                    String.format("%,.0f/s = %.2f of trivial", c, c / t), String.format("%,.0f/s", t), "≥ 0.5 of trivial", c / t >= 0.5));
            var latencies = new ConcurrentLinkedQueue<long[]>();
            Bench.load(base, 64, LATENCY_TIME, 201, put, latencies);
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            long over = Arrays.stream(all).filter(ns -> ns > 500_000_000L).count();
            double p99 = all[(int) (all.length * 0.99)] / 1e6;
            rows.add(new Row("latency while creating at 64 connections for " + LATENCY_TIME.toSeconds() + " s",
                    String.format("p50 %.1f ms, p99 %.1f ms, max %.0f ms; %d of %,d over 500 ms", all[all.length / 2] / 1e6, p99,
                            all[all.length - 1] / 1e6, over, all.length), "–", "p99 ≤ 50 ms, none over 500 ms", p99 <= 50 && over == 0));
        } finally {
            trivialServer.stop(0);
        }
    }

    /** The JVM flags of {@code ./build.sh run} (its {@code JVM_FLAGS}) and of the systemd unit. */
    static final List<String> JVM_FLAGS = List.of("-Xms8m", "-XX:MaxGCPauseMillis=50");

    /** The jar as {@code ./build.sh run} and the systemd unit start it: its flags, its class-data sharing archive. */
    private static List<String> taskrunner(Path data, String... jvm) {
        var cmd = new ArrayList<>(List.of(jvm));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=target/taskrunner.jsa",
                "-jar", "target/taskrunner.jar", "--data", data.toString()));
        return cmd;
    }

    /** Starts {@code java jvmAndMain port-flag args} and polls {@code path} until a 200 (at most 2 minutes). */
    private static Started start(List<String> jvmAndMain, List<String> args, String path) throws Exception {
        int port;
        try (var sock = new java.net.ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmAndMain);
        if (jvmAndMain.contains("-jar")) cmd.addAll(List.of("--port", String.valueOf(port)));
        else cmd.add(String.valueOf(port));
        cmd.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Bench.awaitFirst200(p, URI.create("http://127.0.0.1:" + port + path));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new Started(p, ms, rssKb(p.pid()), cpuMs(p.pid()));
        } catch (Exception | AssertionError e) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(e);
        }
    }

    /** User + system CPU time of the process so far: what a start costs whatever else runs on the machine. */
    private static long cpuMs(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd on
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime in 1/100 s
    }

    private static long rssKb(long pid) throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }

    /** The bytes of live objects: {@code jcmd PID GC.class_histogram} runs a full GC first; its last line is the total. */
    private static long liveHeapBytes(long pid) throws Exception {
        var p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "GC.class_histogram").redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor();
        String total = lines.get(lines.size() - 1).trim(); // "Total   instances   bytes"
        return Long.parseLong(total.split("\\s+")[2]);
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String range(long[] v) {
        return Arrays.stream(v).min().getAsLong() + "-" + Arrays.stream(v).max().getAsLong();
    }

    static String loadAverage() throws java.io.IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static String host() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 2)).orElse("this machine");
        } catch (java.io.IOException e) {
            return "this machine";
        }
    }
}
