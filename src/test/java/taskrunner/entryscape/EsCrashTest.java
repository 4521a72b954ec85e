package taskrunner.entryscape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import taskrunner.support.HookedMain;
import taskrunner.support.ChildServer;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of an addFile job: a server in a child JVM is killed while the job
 * loads rows; the next start on the same data directory runs the job again, and the API
 * ends with every new row exactly once (never half of them, never twice).
 */
@SingleServer("runs servers as child processes on a data directory (kill, restart), not a ServerFixture")
class EsCrashTest {
    private final List<Process> children = new ArrayList<>();
    private Path data;

    @AfterEach
    void cleanup() throws Exception {
        for (Process p : children) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (data != null) {
            try (var walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Starts {@link HookedMain} in a child JVM with these flags; returns the address it prints. */
    private URI startChild(String... flags) throws Exception {
        ChildServer child = ChildServer.startHooked(data, flags);
        children.add(child.process);
        return child.uri;
    }

    @Test
    void killDashNineInTheMiddleOfAJobLeavesNothingHalfDoneAfterRestart() throws Exception {
        data = Files.createTempDirectory("taskrunner-crash");
        URI[] base = {startChild("--row-delay-ms", "15")};
        var c = new ScapeClient(() -> base[0]);
        String admin = c.admin();
        var cat = c.catalog(admin, "crash1", ScapeClient.rows("station,value", "old", 1, 4));
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "new.csv", ScapeClient.rows("station,value", "new", 1, 150)).body());
        String jobId = (String) sub.get("jobId");
        ServerFixture.await("the job to load rows", Duration.ofSeconds(20), () -> {
            try {
                var j = c.job(jobId);
                return "Running".equals(j.get("status")) && j.get("rowsLoaded") instanceof Number n && n.longValue() >= 10;
            } catch (Exception e) {
                return false;
            }
        });
        Process first = children.get(0);
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));

        base[0] = startChild("--row-delay-ms", "15");
        admin = c.admin();
        var job = c.awaitJob(jobId);
        assertEquals("Success", job.get("status"), job.toString());
        assertEquals(154, c.query(api).get("resultCount"));
        assertEquals(1, c.query(api + "?station=new150").get("resultCount"));
        assertEquals(1, c.query(api + "?station=old4").get("resultCount"));
        @SuppressWarnings("unchecked")
        var dist = (Map<String, Map<String, List<Map<String, Object>>>>) (Map<?, ?>) ServerFixture.json(c.get("/store/crash1/metadata/dist", admin).body());
        assertEquals(2, dist.values().iterator().next().get(ScapeClient.DCAT + "downloadURL").size());
        String proto = ((String) sub.get("prototypeURI")).replaceFirst("http://127\\.0\\.0\\.1:\\d+/", "/");
        assertEquals(ScapeClient.rows("station,value", "new", 1, 150), c.get(proto, admin).body());
    }

    @Test
    void aCrashBetweenTheDatasetSwitchAndTheRestOfTheCommitIsRolledForwardOnce() throws Exception {
        data = Files.createTempDirectory("taskrunner-crash");
        URI[] base = {startChild(HookedMain.HALT_AFTER_SWITCH)};
        var c = new ScapeClient(() -> base[0]);
        String admin = c.admin();
        var cat = c.catalog(admin, "crash2", ScapeClient.rows("station,value", "old", 1, 4));
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "new.csv", ScapeClient.rows("station,value", "new", 1, 30)).body());
        String jobId = (String) sub.get("jobId");
        Process first = children.get(0);
        assertTrue(first.waitFor(20, TimeUnit.SECONDS), "the server halts right after switching the dataset");
        assertEquals(HookedMain.HALT_STATUS, first.exitValue());

        base[0] = startChild();
        admin = c.admin();
        var job = c.awaitJob(jobId);
        assertEquals("Success", job.get("status"), job.toString());
        assertEquals(34, c.query(api).get("resultCount"), "the switched rows are there once, not appended again");
        String proto = ((String) sub.get("prototypeURI")).replaceFirst("http://127\\.0\\.0\\.1:\\d+/", "/");
        assertEquals(ScapeClient.rows("station,value", "new", 1, 30), c.get(proto, admin).body());
        @SuppressWarnings("unchecked")
        var dist = (Map<String, Map<String, List<Map<String, Object>>>>) (Map<?, ?>) ServerFixture.json(c.get("/store/crash2/metadata/dist", admin).body());
        assertEquals(2, dist.values().iterator().next().get(ScapeClient.DCAT + "downloadURL").size());
    }
}
