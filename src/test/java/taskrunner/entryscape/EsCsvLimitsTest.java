package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CSV size limits of RowStore uploads and EntryScape jobs over real HTTP, configured small: 1 KiB a cell, 2 KiB a row. */
class EsCsvLimitsTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.maxCsvCellChars(1024).maxCsvRowChars(2048)));
        c = new ScapeClient(fx);
        admin = c.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void aRowStoreUploadWithAnOversizedCellIs400WithTheReason() throws Exception {
        var res = c.csv("POST", "/rowstore/datasets", admin, "name;note\nann;x\nbo;" + "x".repeat(1025) + "\n");
        assertEquals(400, res.statusCode(), res.body());
        assertEquals(Map.of("error", "the CSV: CSV row 2 has a cell longer than the limit of 1024 characters"),
                ServerFixture.json(res.body()));
        res = c.csv("POST", "/rowstore/datasets", admin, "a,b,c\n" + "x".repeat(1024) + "," + "x".repeat(1024) + ",x\n");
        assertEquals(400, res.statusCode(), res.body());
        assertEquals(Map.of("error", "the CSV: CSV row 1 is longer than the limit of 2048 characters (its cells together)"),
                ServerFixture.json(res.body()));
        // just under the limits is loaded, and the server goes on serving
        String cell = "y".repeat(1024);
        res = c.csv("POST", "/rowstore/datasets", admin, "a,b\n" + cell + "," + "z".repeat(1023) + "\n");
        assertEquals(202, res.statusCode(), res.body());
        var q = c.query("/rowstore/dataset/" + ServerFixture.json(res.body()).get("id") + "/json");
        assertEquals(1, q.get("resultCount"));
    }

    @Test
    void aJobLoadingAnOversizedFileFailsWithTheReason() throws Exception {
        var cat = c.catalog(admin, "limits1", ScapeClient.rows("station,value", "a", 1, 2));
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "big.csv",
                "station,value\nb1,1\nb2," + "9".repeat(1025) + "\n").body());
        var job = c.awaitJob((String) sub.get("jobId"));
        assertEquals("Failed", job.get("status"), job.toString());
        assertEquals("big.csv: CSV row 2 has a cell longer than the limit of 1024 characters", job.get("error"));
        assertEquals(2, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
    }
}
