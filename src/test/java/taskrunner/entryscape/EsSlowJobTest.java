package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Taskrunner's promise with jobs slowed down (a pause after each loaded row): the API
 * answers with the old rows while a job runs, with the new ones after success, unchanged
 * after a failure half way, and a restart in the middle neither loses nor doubles rows.
 */
class EsSlowJobTest {
    static final long DELAY_MS = 15;
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.rowDelayMs(DELAY_MS)));
        c = new ScapeClient(fx);
        admin = c.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A station name long enough that a few rows pass BlobStore's inline limit and get a file. */
    static final String LONG = "station-name-padded-beyond-the-inline-limit-of-the-blob-store-";

    /** Committed blob files (small blobs live inline in the journal and have none); temp files must be gone. */
    static long blobs(Path dataDir) throws Exception {
        try (var tmp = Files.list(dataDir.resolve("blobs").resolve("tmp"))) {
            assertEquals(0, tmp.count(), "no temp blob left behind");
        }
        try (var l = Files.list(dataDir.resolve("blobs"))) {
            return l.filter(Files::isRegularFile).count();
        }
    }

    static Map<String, Object> awaitRunning(String jobId, long rows) throws Exception {
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
        ServerFixture.await("job to be running", Duration.ofSeconds(20), () -> {
            try {
                last.set(c.job(jobId));
                return "Running".equals(last.get().get("status")) && last.get().get("rowsLoaded") instanceof Number n && n.longValue() >= rows;
            } catch (Exception e) {
                return false;
            }
        });
        return last.get();
    }

    @Test
    void whileAnAddFileJobRunsTheApiAnswersWithTheOldRows() throws Exception {
        String old = ScapeClient.rows("station,value", "old", 1, 4);
        var cat = c.catalog(admin, "slow1", old);
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "new.csv", ScapeClient.rows("station,value", "new", 1, 120)).body());
        String jobId = (String) sub.get("jobId");
        awaitRunning(jobId, 5);
        int queries = 0;
        while ("Running".equals(c.job(jobId).get("status"))) {
            var q = c.query(api);
            assertEquals(4, q.get("resultCount"), "old rows while the job runs");
            assertEquals(Map.of("station", "old1", "value", "10"), ((List<?>) q.get("results")).get(0));
            assertEquals(1, c.query(api + "?station=old3").get("resultCount"));
            assertEquals(4L, ((Number) c.query(api.replace("/json", "/info")).get("rowcount")).longValue());
            assertEquals(404, c.get(((String) sub.get("prototypeURI")).replace(c.base(), "/"), admin).statusCode(),
                    "the new file appears only when the job succeeds");
            queries++;
            if (queries >= 10) break;
        }
        assertTrue(queries >= 3, "the job should still have been running for a few queries, ran for " + queries);
        assertEquals("Success", c.awaitJob(jobId).get("status"));
        var q = c.query(api + "?_offset=100&_limit=100");
        assertEquals(124, q.get("resultCount"));
        assertEquals(Map.of("station", "new120", "value", "1200"), ((List<?>) q.get("results")).get(23));
    }

    @Test
    void whileAReplaceFileJobRunsTheApiAnswersWithTheOldRowsThenSwitchesInOneStep() throws Exception {
        var cat = c.catalog(admin, "slow2", ScapeClient.rows("station,value", "old", 1, 4));
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        var sub = ServerFixture.json(c.replaceFile(admin, cat.fileUri(), "v2.csv", ScapeClient.rows("station,value", "v2-", 1, 120)).body());
        String jobId = (String) sub.get("jobId");
        awaitRunning(jobId, 5);
        for (int i = 0; i < 5; i++) {
            var q = c.query(api + "?station=old2");
            assertEquals(1, q.get("resultCount"), "filters on the old columns keep working");
            assertEquals(4, c.query(api).get("resultCount"));
            assertEquals(ScapeClient.rows("station,value", "old", 1, 4), c.get(cat.fileUri().replace(c.base(), "/"), admin).body());
        }
        assertEquals("Success", c.awaitJob(jobId).get("status"));
        assertEquals(120, c.query(api).get("resultCount"));
        assertEquals(0, c.query(api + "?station=old2").get("resultCount"));
    }

    @SingleServer("counts the blob files in the first server's data directory, which with --postgres is a cache: a read through it fills it, a delete through the other leaves it")
    @Test
    void aJobThatFailsHalfWayChangesNothing() throws Exception {
        var cat = c.catalog(admin, "half1", ScapeClient.rows("station,value", LONG, 1, 80));
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        long blobsBefore = blobs(fx.dataDir);
        String distBefore = c.get("/store/half1/metadata/dist", admin).body();
        String entriesBefore = c.get("/store/half1", admin).body();
        // row 60 of 100 has one cell too many: the job gets half way, then must leave no trace
        String csv = ScapeClient.rows("station,value", LONG + "new", 1, 59) + "bad,1,extra\n" + ScapeClient.rows("", LONG + "late", 61, 100).substring(1);
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "broken.csv", csv).body());
        String jobId = (String) sub.get("jobId");
        awaitRunning(jobId, 20);
        assertEquals(80, c.query(api).get("resultCount"));
        var job = c.awaitJob(jobId);
        assertEquals("Failed", job.get("status"));
        assertTrue(((String) job.get("error")).contains("row 60"), job.toString());
        assertEquals(80, c.query(api).get("resultCount"));
        assertEquals(80L, ((Number) c.query(api.replace("/json", "/info")).get("rowcount")).longValue());
        assertEquals(3, c.query(api.replace("/json", "/info")).get("status"));
        assertEquals(distBefore, c.get("/store/half1/metadata/dist", admin).body());
        assertEquals(entriesBefore, c.get("/store/half1", admin).body());
        assertEquals(404, c.get(((String) sub.get("prototypeURI")).replace(c.base(), "/"), admin).statusCode());
        assertEquals(blobsBefore, blobs(fx.dataDir), "no upload or half-built dataset left behind");
    }

    @SingleServer("counts the blob files in the first server's data directory, which with --postgres is a cache: a read through it fills it, a delete through the other leaves it")
    @Test
    void aRestartInTheMiddleOfAJobFinishesItOnceAfterwards() throws Exception {
        var cat = c.catalog(admin, "restart1", ScapeClient.rows("station,value", LONG, 1, 80));
        String api = "/rowstore/dataset/" + cat.datasetId() + "/json";
        long blobsBefore = blobs(fx.dataDir);
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "new.csv", ScapeClient.rows("station,value", LONG + "new", 1, 150)).body());
        String jobId = (String) sub.get("jobId");
        String proto = (String) sub.get("prototypeURI");
        awaitRunning(jobId, 10);

        fx.restart();
        c = new ScapeClient(fx);
        admin = c.admin();
        String newProto = proto.replaceFirst("http://127\\.0\\.0\\.1:\\d+/", c.base());
        assertEquals(80, c.query(api).get("resultCount"), "nothing half-done is visible after the restart");
        var job = c.awaitJob(jobId);
        assertEquals("Success", job.get("status"), job.toString());
        assertEquals(230, c.query(api).get("resultCount"), "every new row exactly once: " + job);
        assertEquals(1, c.query(api + "?station=" + LONG + "new150").get("resultCount"));
        assertEquals(200, c.get(newProto.replace(c.base(), "/"), admin).statusCode());
        @SuppressWarnings("unchecked")
        var dist = (Map<String, Map<String, List<Map<String, Object>>>>) (Map<?, ?>) ServerFixture.json(c.get("/store/restart1/metadata/dist", admin).body());
        var urls = dist.values().iterator().next().get(ScapeClient.DCAT + "downloadURL");
        assertEquals(2, urls.size(), urls.toString());
        assertEquals(blobsBefore + 1, blobs(fx.dataDir), "the upload became the file; the old dataset version was dropped");
    }

    @Test
    void aSecondJobOnTheSameDistributionIsPendingUntilTheFirstEnds() throws Exception {
        var cat = c.catalog(admin, "queue1", ScapeClient.rows("station,value", "old", 1, 2));
        String first = (String) ServerFixture.json(c.addFile(admin, cat.distUri(), "a.csv", ScapeClient.rows("station,value", "a", 1, 120)).body()).get("jobId");
        awaitRunning(first, 3);
        String second = (String) ServerFixture.json(c.addFile(admin, cat.distUri(), "b.csv", ScapeClient.rows("station,value", "b", 1, 5)).body()).get("jobId");
        assertEquals("Pending", c.job(second).get("status"));
        assertEquals("Running", c.job(first).get("status"));
        assertEquals("Success", c.awaitJob(first).get("status"));
        assertEquals("Success", c.awaitJob(second).get("status"));
        assertEquals(127, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
    }
}
