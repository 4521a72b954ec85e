package taskrunner.bench;

import taskrunner.support.ChildServer;
import taskrunner.support.Postgres;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * {@code ./build.sh bench scaleout}: one, two and three servers on one PostgreSQL, each server
 * its own JVM running {@code target/taskrunner.jar} with {@code --postgres}, {@code --node nN}
 * and a data directory of its own, as README's "Scale out" section starts them. The database is
 * zonky's embedded PostgreSQL binary (the tests' {@link Postgres}), started by this run with
 * {@link #DURABLE} settings, on the same 2 cores as the servers and the load. Each N gets a new
 * database. Per N:
 * <ul>
 * <li>durable Kazoo creations/s: {@link #CLIENTS} keep-alive connections spread round-robin over
 *     the servers ({@link Bench#load}, as {@link PerfTable} measures one server), after a
 *     warm-up;</li>
 * <li>CKAN async jobs/s with a result_url callback ({@link CkanBench#round}, clients spread the
 *     same way; a job counts when its callback arrived);</li>
 * <li>with N &ge; 2, the take-over time after the first server is killed ({@link TakeOver}).</li>
 * </ul>
 * The figures are printed as a Markdown table with the PostgreSQL settings and the load average.
 * {@code -Dbench.scaleout.seconds} (creations, default 10), {@code -Dbench.scaleout.jobs}
 * (default 1000) and {@code -Dbench.scaleout.leaseSeconds} (passed as {@code --lease-s} when the
 * server has that flag; else its default) change the run.
 */
final class ScaleOutBench {
    /** zonky turns {@code synchronous_commit} off for tests; the durability promise needs it on. */
    static final Map<String, String> DURABLE = Map.of("synchronous_commit", "on", "fsync", "on");
    private static final int CLIENTS = 32;
    private static final Duration TIME = Duration.ofSeconds(Integer.getInteger("bench.scaleout.seconds", 10));
    private static final int JOBS = Integer.getInteger("bench.scaleout.jobs", 1000);
    private static final Path JAR = Path.of("target/taskrunner.jar");
    private static final List<String> SHOWN = List.of("server_version", "synchronous_commit", "fsync", "wal_sync_method",
            "max_connections", "shared_buffers");

    private ScaleOutBench() {}

    private record Row(int servers, double creates, double jobs, int refusedJobs, String takeOver, int connections) {}

    /** The server's {@code --lease-s}: whether it has the flag, the value to pass (null: its default) and that default. */
    private record Lease(boolean flag, Integer given, Integer byDefault) {
        static Lease ofServer() throws Exception {
            String help = ChildServer.run(Duration.ofSeconds(60), "--help").output();
            var line = help.lines().filter(l -> l.strip().startsWith("--lease-s ")).findFirst();
            if (line.isEmpty()) return new Lease(false, null, null);
            var m = Pattern.compile("\\(default (\\d+)").matcher(line.get());
            return new Lease(true, Integer.getInteger("bench.scaleout.leaseSeconds"), m.find() ? Integer.valueOf(m.group(1)) : null);
        }

        List<String> flags() {
            return flag && given != null ? List.of("--lease-s", given.toString()) : List.of();
        }

        /** How long to wait for a take-over: three leases and the heartbeat's staleness, or 30 s without leases. */
        Duration patience() {
            Integer s = given != null ? given : byDefault;
            return Duration.ofSeconds(flag && s != null ? 3L * s + 15 : 30);
        }

        @Override
        public String toString() {
            if (!flag) return "the server has no --lease-s yet";
            if (given != null) return "--lease-s " + given;
            return "--lease-s default" + (byDefault == null ? "" : " (" + byDefault + " s)");
        }
    }

    static void run(PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        String load0 = PerfTable.loadAverage();
        var lease = Lease.ofServer();
        var rows = new ArrayList<Row>();
        Map<String, String> settings;
        try (var pg = Postgres.started(DURABLE); var receiver = CkanBench.Receiver.start()) {
            settings = settings(pg.newDatabase());
            for (int n = 1; n <= 3; n++) {
                Row r = measure(pg.newDatabase(), n, lease, receiver);
                out.printf("scaleout: %d server(s): %,.0f creates/s, %,.0f CKAN jobs/s, take-over %s; %d connections to "
                        + "PostgreSQL; load %s%n", n, r.creates, r.jobs, r.takeOver, r.connections, PerfTable.loadAverage());
                rows.add(r);
            }
        }
        out.println();
        out.printf("`./build.sh bench scaleout` on %s, %d cores, %s %s, %s, %.0f s; load average before %s, after %s%n",
                PerfTable.host(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Instant.now().toString().substring(0, 16) + "Z",
                (System.nanoTime() - t0) / 1e9, load0, PerfTable.loadAverage());
        var pgLine = new StringBuilder("PostgreSQL (embedded, same machine):");
        settings.forEach((k, v) -> pgLine.append(' ').append(k).append('=').append(v));
        out.println(pgLine);
        out.printf("servers: separate JVMs, java -Xmx256m -jar %s --postgres URL --node nN; %d keep-alive clients for "
                + "creations (%d s), %d CKAN jobs (%d clients); take-over: %s%n%n", JAR, CLIENTS, TIME.toSeconds(), JOBS, CLIENTS, lease);
        out.println("| servers | durable Kazoo creates/s | CKAN async jobs/s (with callback) | take-over after SIGKILL | connections to PostgreSQL |");
        out.println("|---|---|---|---|---|");
        for (Row r : rows) {
            out.printf("| %d | %,.0f | %,.0f%s | %s | %d |%n", r.servers, r.creates, r.jobs,
                    r.refusedJobs > 0 ? " (" + r.refusedJobs + " refused)" : "", r.takeOver, r.connections);
        }
    }

    /** Starts {@code n} servers on {@code url} (the first alone: it creates the admin), measures them, stops them. */
    private static Row measure(String url, int n, Lease lease, CkanBench.Receiver receiver) throws Exception {
        var servers = new ArrayList<ChildServer>();
        var dirs = new ArrayList<Path>();
        try {
            for (int i = 1; i <= n; i++) {
                Path dir = Files.createTempDirectory("bench-scaleout");
                dirs.add(dir);
                var flags = new ArrayList<>(List.of("--postgres", url, "--node", "n" + i));
                flags.addAll(lease.flags());
                servers.add(ChildServer.startJar(JAR, dir, List.of("-Xmx256m"), flags.toArray(String[]::new)));
            }
            List<URI> bases = servers.stream().map(s -> s.uri).toList();
            double creates = creates(bases);
            CkanBench.round(bases, receiver, JOBS / 4, CLIENTS);
            var jobs = CkanBench.round(bases, receiver, JOBS, CLIENTS);
            int connections = connections(url);
            String takeOver = n < 2 ? "– (one server)" : TakeOver.measure(servers, "n1", lease.patience()).cell();
            return new Row(n, creates, jobs.rate(), jobs.refused(), takeOver, connections);
        } finally {
            for (ChildServer s : servers) s.close();
            for (Path d : dirs) Bench.deleteTree(d);
        }
    }

    /** Durable Kazoo creations/s over every server, after a warm-up of 3 s. */
    private static double creates(List<URI> bases) throws Exception {
        String token = Bench.login(bases.get(0));
        String create = "/v2/accounts/" + Bench.account(bases.get(0), token) + "/tasks?category=examples&action=echo";
        String headers = "X-Auth-Token: " + token + "\r\nContent-Type: application/json\r\n";
        LongFunction<Bench.Call> put = k -> new Bench.Call("PUT", create, headers,
                ("{\"data\":{\"records\":[{\"n\":\"" + k + "\",\"v\":\"x\"}]}}").getBytes(StandardCharsets.UTF_8));
        Bench.load(bases, CLIENTS, Duration.ofSeconds(3), 201, put, null);
        return Bench.load(bases, CLIENTS, TIME, 201, put, null);
    }

    /** The connections the servers hold open to the database now (their ApplicationName is "taskrunner NODE"). */
    private static int connections(String url) throws Exception {
        try (var c = DriverManager.getConnection(url); var s = c.createStatement();
             var rs = s.executeQuery("select count(*) from pg_stat_activity where application_name like 'taskrunner %'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<String, String> settings(String url) throws Exception {
        var shown = new LinkedHashMap<String, String>();
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            for (String name : SHOWN) {
                try (var rs = s.executeQuery("show " + name)) {
                    rs.next();
                    shown.put(name, rs.getString(1));
                }
            }
        }
        return shown;
    }
}
