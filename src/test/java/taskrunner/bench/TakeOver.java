package taskrunner.bench;

import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The take-over time after a kill, for {@link ScaleOutBench}: a long Kazoo row task
 * ({@code examples/sleep}, {@link #ROWS} rows of {@link #ROW_MS} ms) started through the first
 * server runs there; that server's JVM is killed (SIGKILL: no lease is given back), and the
 * clock runs from the kill until
 * <ul>
 * <li>a surviving server logs a line holding {@code taken over from} and the task's id (or the
 *     dead node's name): the take-over as its server sees it, and</li>
 * <li>the task, polled through a surviving server, runs on another node or is no longer
 *     executing: the take-over as a client sees it.</li>
 * </ul>
 * Neither within {@code within}: no take-over, and the figure says so; nothing is estimated.
 */
final class TakeOver {
    static final int ROWS = 600;
    static final int ROW_MS = 200; // 120 s of rows: the task cannot end by itself while we watch
    static final String LOG_MARK = "taken over from";

    private TakeOver() {}

    /** Seconds from the kill to each signal, null for one not seen; who took it and how it was seen. */
    record Outcome(Double logSeconds, Double pollSeconds, String seenByPoll, Duration within) {
        String cell() {
            if (logSeconds == null && pollSeconds == null) {
                return "not available (no server took the task over within " + within.toSeconds() + " s)";
            }
            String log = logSeconds == null ? "no log line" : String.format("%.1f s (log)", logSeconds);
            String poll = pollSeconds == null ? "not seen by polling" : String.format("%.1f s (poll: %s)", pollSeconds, seenByPoll);
            return log + ", " + poll;
        }
    }

    /** Kills {@code servers[0]} while it runs the task; {@code servers[1..]} survive. */
    static Outcome measure(List<ChildServer> servers, String deadNode, Duration within) throws Exception {
        ChildServer victim = servers.get(0);
        List<ChildServer> survivors = servers.subList(1, servers.size());
        var admin = KazooClient.admin(victim);
        String id = admin.createCsv("examples", "sleep", "ms\n" + (ROW_MS + "\n").repeat(ROWS));
        admin.start(id);
        // past a progress checkpoint (every 1000 ms by default), so there is something to resume from
        ServerFixture.await("the row task to run on " + deadNode, Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
            try {
                Map<String, Object> t = admin.task(id);
                return "executing".equals(t.get("status")) && ((Number) t.get("success_count")).intValue() >= 8;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        var watch = new KazooClient(survivors.get(0)); // records and tokens are shared: the same token works there
        watch.token = admin.token;
        watch.accountId = admin.accountId;
        int[] marks = survivors.stream().mapToInt(s -> s.output().length()).toArray();

        long t0 = System.nanoTime();
        victim.kill();
        Double logAt = null, pollAt = null;
        String seen = null;
        long end = t0 + within.toNanos();
        while ((logAt == null || pollAt == null) && System.nanoTime() < end) {
            if (logAt == null && logged(survivors, marks, id, deadNode)) logAt = seconds(t0);
            if (pollAt == null) {
                try {
                    Map<String, Object> t = watch.task(id);
                    if (!deadNode.equals(t.get("node")) || !"executing".equals(t.get("status"))) {
                        pollAt = seconds(t0);
                        seen = t.get("status") + " on " + t.get("node");
                    }
                } catch (AssertionError | java.io.IOException notNow) {
                    // the survivor did not answer this poll; the next one may
                }
            }
            Thread.sleep(20);
        }
        return new Outcome(logAt, pollAt, seen, within);
    }

    private static boolean logged(List<ChildServer> survivors, int[] marks, String id, String deadNode) {
        for (int i = 0; i < survivors.size(); i++) {
            String since = survivors.get(i).output().substring(marks[i]);
            for (String line : since.lines().filter(l -> l.contains(LOG_MARK)).toList()) {
                if (line.contains(id) || line.contains(LOG_MARK + " " + deadNode)) return true;
            }
        }
        return false;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
