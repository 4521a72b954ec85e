package taskrunner.tasks.datapusher;

import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.tasks.datapusher.CkanSide.TOKEN;
import static taskrunner.tasks.datapusher.CkanSide.error;
import static taskrunner.tasks.datapusher.CkanSide.messages;
import static taskrunner.tasks.datapusher.PushFixture.SIMPLE;

/**
 * {@code push_to_datastore} when something is wrong: the job CKAN polls says what (a string
 * message, string details), the site receives exactly the calls that were due, and no table is
 * left half loaded.
 */
class PushToDatastoreFailureTest {

    @Test
    void aWrongKeyIsCkansRefusalAndNothingElseIsCalled() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("r1", SIMPLE);
            w.site.holdOn("datapusher_hook", 1); // CKAN would refuse the hook too; held, the job's own error stays visible
            var push = w.ckan.submit(w.ckan.metadata("r1"), "wrong-key");
            var job = w.ckan.ended(push);

            var err = error(job);
            assertEquals("Access denied: User not authorized to resource_show", err.get("message"));
            assertEquals(403, err.get("HTTP status code"));
            assertEquals(w.site.url() + "/api/3/action/resource_show", err.get("Requested URL"));
            assertTrue(((String) err.get("Response")).startsWith("{\"help\":"), String.valueOf(err.get("Response")));
            assertEquals(List.of("resource_show"), w.site.actions(), "a refused key is not tried again");
            assertEquals("wrong-key", w.site.calls().get(0).authorization());
            assertEquals(List.of(), messages(job));
            assertEquals(List.of(), w.files.requests());
        }
    }

    @Test
    void aConflictFromTheDatastoreMidLoadDeletesWhatWasLoaded() throws Exception {
        try (var w = new PushFixture()) {
            var csv = new StringBuilder("n,name\n");
            for (int i = 1; i <= 600; i++) csv.append(i).append(",name ").append(i).append('\n');
            w.csvResource("r1", csv.toString());
            w.site.failOn("datastore_create", 2, 409, Map.of("__type", "Validation Error",
                    "records", List.of("invalid input syntax for type numeric: \"x\""), "records_row", 3));
            var job = w.ckan.ended(w.ckan.submit("r1"));

            var err = error(job);
            String create = w.site.url() + "/api/3/action/datastore_create";
            assertEquals("CKAN DataStore bad response. Status code: 409 CONFLICT. At: " + create + ".", err.get("message"));
            assertEquals(409, err.get("HTTP status code"));
            assertEquals(create, err.get("Requested URL"));
            String response = (String) err.get("Response");
            assertTrue(response.startsWith("{\"help\":") && response.length() <= 203, "CKAN's answer, 200 characters at most: " + response);
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create", "datastore_create", "datastore_delete"),
                    w.site.actions());
            assertEquals(Map.of("id", "r1", "force", true), w.site.calls().get(4).body());
            assertNull(w.site.table("r1"), "no half table");
            assertEquals(List.of("Saving chunk 0 ", "Saving chunk 1 ", "Deleting the partly loaded \"r1\" from datastore."),
                    messages(job).subList(2, 5));
        }
    }

    @Test
    void aFileOverTheCapEndsTheJobWhetherItsLengthIsSentOrNot() throws Exception {
        try (var w = new PushFixture(c -> c.datapusherMaxBytes(100))) {
            byte[] big = SIMPLE.getBytes(StandardCharsets.UTF_8);
            w.resource("said", w.files.file("said.csv", big, "text/csv", true), "CSV");
            w.resource("unsaid", w.files.file("unsaid.csv", big, "text/csv", false), "CSV");
            var said = w.ckan.ended(w.ckan.submit("said"));
            assertEquals("Resource too large to download: " + big.length + " > max (100).", error(said).get("message"));
            assertEquals(List.of("Fetching from: " + w.site.resource("said").get("url")), messages(said));
            var unsaid = w.ckan.ended(w.ckan.submit("unsaid"));
            assertEquals("Resource too large to process: " + big.length + " > max (100).", error(unsaid).get("message"));
            assertEquals(List.of("Fetching from: " + w.site.resource("unsaid").get("url")), messages(unsaid));
            assertEquals(List.of("resource_show", "resource_show"), w.site.actions());
        }
    }

    @Test
    void aStalledDownloadIsCutAfterTheIdleTimeAndItsConnectionClosed() throws Exception {
        try (var w = new PushFixture(c -> c.datapusherDownloadIdleS(1))) {
            byte[] body = (SIMPLE + "\n" + "2011-01-04,3,Galway\n".repeat(300)).getBytes(StandardCharsets.UTF_8);
            String url = w.files.stalled("slow.csv", body, 100);
            w.resource("r1", url, "CSV");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            var err = error(job);

            assertEquals("Download stalled: nothing arrived for 1 s.", err.get("message"));
            assertEquals(List.of("Fetching from: " + url), messages(job));
            assertEquals(url, err.get("Requested URL"));
            assertEquals(List.of("resource_show"), w.site.actions());
            w.files.releaseStalls();
            assertTrue(w.files.clientLeft().get(10, TimeUnit.SECONDS), "the download's connection is closed");
        }
    }

    @Test
    void anUnlistedCkanUrlEndsTheJobBeforeAnyCall() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("r1", SIMPLE);
            var metadata = w.ckan.metadata("r1");
            metadata.put("ckan_url", "http://ckan.elsewhere.example");
            var job = w.ckan.ended(w.ckan.submit(metadata, TOKEN));
            assertEquals(List.of(), messages(job));
            var err = error(job);
            assertEquals("ckan_url http://ckan.elsewhere.example is not a CKAN site this DataPusher may push to"
                    + " (the server's --datapusher-ckan-url lists those).", err.get("message"));
            assertEquals(List.of(), w.site.actions());
            assertEquals(List.of(), w.files.requests());
        }
    }

    @Test
    void aSpreadsheetEndsTheJobNamingItsFormat() throws Exception {
        try (var w = new PushFixture()) {
            byte[] xlsx = {0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00};
            w.resource("r1", w.files.file("book.xlsx", xlsx,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true), "XLSX");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals(List.of("Fetching from: " + w.site.resource("r1").get("url")), messages(job));
            var err = error(job);
            assertEquals("XLSX files cannot be pushed by this DataPusher, only CSV and TSV text: save the data as CSV,"
                    + " or leave XLSX out of ckan.datapusher.formats.", err.get("message"));
            assertEquals(List.of("resource_show"), w.site.actions());
        }
    }

    @Test
    void submissionsWithoutWhatDataPushersJobNeedsEndWithItsMessages() throws Exception {
        try (var w = new PushFixture()) {
            var metadata = w.ckan.metadata("r1");
            metadata.remove("resource_id");
            assertEquals("No id provided.", error(w.ckan.ended(w.ckan.submit(metadata, TOKEN))).get("message"));
            metadata = w.ckan.metadata("r1");
            metadata.remove("ckan_url");
            assertEquals("No ckan_url provided.", error(w.ckan.ended(w.ckan.submit(metadata, TOKEN))).get("message"));
            assertEquals(List.of(), w.site.actions());
        }
    }

    @Test
    void ckansDeleteOfTheJobStopsAPushWaitingOnItsDownload() throws Exception {
        try (var w = new PushFixture()) {
            byte[] body = (SIMPLE + "\n" + "2011-01-04,3,Galway\n".repeat(300)).getBytes(StandardCharsets.UTF_8);
            w.resource("r1", w.files.stalled("slow.csv", body, 100), "CSV");
            var push = w.ckan.submit("r1");
            ServerFixture.await("the download to start", Duration.ofSeconds(10), () -> w.files.requests().size() == 1);

            var r = w.fx.send(w.fx.request("/job/" + push.jobId()).header("Authorization", push.jobKey()).DELETE());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(Map.of("success", true), ServerFixture.json(r.body()));
            w.files.releaseStalls();
            assertTrue(w.files.clientLeft().get(10, TimeUnit.SECONDS), "the download's connection is closed");
            assertEquals(List.of("resource_show"), w.site.actions());
        }
    }

    @Test
    void aServerStopEndsAPushWaitingOnCkanAndTheNextStartRunsItAgain() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("r1", SIMPLE);
            w.site.holdOn("datastore_search", 1);
            var push = w.ckan.submit("r1");
            ServerFixture.await("the push to wait on CKAN", Duration.ofSeconds(10),
                    () -> w.site.actions().contains("datastore_search"));
            w.fx.server.close(); // waits for running tasks to stop, at most 5 s; a push in a call must not hold it
            w.fx.start();
            var job = w.ckan.ended(push);
            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertEquals(List.of("resource_show", "datastore_search", "resource_show", "datastore_search", "datastore_create"),
                    w.site.actions());
            assertEquals(6, w.site.table("r1").rows.size());
        }
    }
}
