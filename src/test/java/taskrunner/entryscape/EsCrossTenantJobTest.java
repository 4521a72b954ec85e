package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A job acts with its owner's rights: a tenant cannot reach another tenant's dataset or
 * private file by pointing its own distribution's links at them.
 */
class EsCrossTenantJobTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        var root = KazooClient.admin(fx);
        root.childWithUser("tenant-a", "alice", "alice-pw-1");
        root.childWithUser("tenant-b", "bob", "bob-pw-1");
        c = new ScapeClient(fx);
        alice = c.login("alice", "alice-pw-1");
        bob = c.login("bob", "bob-pw-1");
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** Re-points bob's distribution (or API distribution) link at a resource of alice's. */
    private static void relink(ScapeClient.Catalog cat, String entry, Map<String, Object> graph) throws Exception {
        var res = c.json("PUT", "/store/" + cat.ctx() + "/metadata/" + entry, bob, graph);
        assertEquals(204, res.statusCode(), res.body());
    }

    /** Refused at submission (403), or accepted and then failed by the job's own check. */
    private static void assertRefused(java.net.http.HttpResponse<String> res) throws Exception {
        if (res.statusCode() == 200) {
            var job = c.awaitJob((String) ServerFixture.json(res.body()).get("jobId"));
            assertEquals("Failed", job.get("status"), job.toString());
        } else {
            assertEquals(403, res.statusCode(), res.body());
        }
    }

    @Test
    void addFileCannotAppendToADatasetOfAnotherAccount() throws Exception {
        var a = c.catalog(alice, "a-add", ScapeClient.rows("station,value", "a", 1, 3));
        var b = c.catalog(bob, "b-add", ScapeClient.rows("station,value", "b", 1, 2));
        relink(b, "api", Map.of(b.apiUri(), Map.of(
                ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ScapeClient.DCAT + "Distribution")),
                ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(a.datasetUrl())),
                ScapeClient.DCT + "source", List.of(ScapeClient.uri(b.distUri())))));

        var res = c.addFile(bob, b.distUri(), "evil.csv", ScapeClient.rows("station,value", "evil", 1, 2));
        assertRefused(res);
        assertEquals(3, c.query("/rowstore/dataset/" + a.datasetId() + "/json").get("resultCount"),
                "alice's dataset is unchanged");
    }

    @Test
    void replaceFileCannotReadAPrivateFileOfAnotherAccount() throws Exception {
        var a = c.catalog(alice, "a-read", ScapeClient.rows("station,value", "secret", 1, 3));
        var b = c.catalog(bob, "b-read", ScapeClient.rows("station,value", "b", 1, 2));
        int own = c.get(a.fileUri().replace(c.base(), "/"), bob).statusCode();
        assertTrue(own == 403 || own == 404, "bob cannot download alice's file himself: " + own);
        relink(b, "dist", Map.of(b.distUri(), Map.of(
                ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ScapeClient.DCAT + "Distribution")),
                ScapeClient.DCAT + "downloadURL", List.of(ScapeClient.uri(b.fileUri()), ScapeClient.uri(a.fileUri())),
                ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(b.fileUri()), ScapeClient.uri(a.fileUri())))));

        var res = c.replaceFile(bob, b.fileUri(), "b.csv", ScapeClient.rows("station,value", "b", 1, 2));
        assertRefused(res);
        var rows = c.query("/rowstore/dataset/" + b.datasetId() + "/json");
        assertFalse(rows.toString().contains("secret"), "none of alice's rows reached bob's public dataset: " + rows);
    }
}
