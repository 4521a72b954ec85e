package taskrunner.tasks.datapusher;

import org.junit.jupiter.api.Test;
import taskrunner.support.FakeCkan;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.tasks.datapusher.CkanSide.TOKEN;
import static taskrunner.tasks.datapusher.CkanSide.messages;
import static taskrunner.tasks.datapusher.PushFixture.SIMPLE;
import static taskrunner.tasks.datapusher.PushFixture.SIMPLE_FIELDS;
import static taskrunner.tasks.datapusher.PushFixture.SIMPLE_TYPES_LOG;

/**
 * {@code push_to_datastore} as CKAN sees it when a push succeeds: the calls the site receives,
 * in order and with their bodies, the job CKAN polls (status, error, logs) and what ends up in
 * the DataStore.
 */
class PushToDatastoreTest {
    private static final Map<String, Object> FIRST_SIMPLE_ROW = Map.of("date", "2011-01-01T00:00:00", "temperature", 1, "place", "Galway");

    @Test
    void dataPushersGoldenFileLoadsSixRowsAsTimestampNumericAndText() throws Exception {
        try (var w = new PushFixture()) {
            String url = (String) w.csvResource("r1", SIMPLE).get("url");
            var job = w.ckan.ended(w.ckan.submit("r1"));

            assertEquals("complete", job.get("status"));
            assertNull(job.get("error"));
            assertEquals(List.of("Fetching from: " + url, SIMPLE_TYPES_LOG, "Saving chunk 0 (last)",
                    "Successfully pushed 6 entries to \"r1\"."), messages(job));
            for (Object log : (List<?>) job.get("logs")) assertEquals("INFO", ((Map<?, ?>) log).get("level"));

            assertEquals(List.of("resource_show", "datastore_search", "datastore_create"), w.site.actions());
            for (FakeCkan.Call c : w.site.calls()) assertEquals(TOKEN, c.authorization(), "the api_key, raw");
            assertEquals(Map.of("id", "r1"), w.site.calls().get(0).body());
            assertEquals(Map.of("id", "r1", "limit", 0), w.site.calls().get(1).body());
            var create = w.site.calls().get(2).body();
            assertEquals(List.of("resource_id", "fields", "force", "records", "calculate_record_count"), List.copyOf(create.keySet()));
            assertEquals("r1", create.get("resource_id"));
            assertEquals(SIMPLE_FIELDS, create.get("fields"));
            assertEquals(true, create.get("force"));
            assertEquals(true, create.get("calculate_record_count"));
            var records = (List<?>) create.get("records");
            assertEquals(6, records.size());
            assertEquals(FIRST_SIMPLE_ROW, records.get(0));
            assertEquals(Map.of("date", "2011-01-03T00:00:00", "temperature", 5, "place", "Berkeley"), records.get(5));

            var table = w.site.table("r1");
            assertEquals(6, table.rows.size());
            assertEquals(true, w.site.resource("r1").get("datastore_active"));
            assertEquals(List.of("/r1.csv Authorization=null"), w.files.requests(), "the api_key goes to CKAN only");
        }
    }

    @Test
    void tabAndSemicolonSeparatedFilesLoadAsTheCommaSeparatedOne() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("tsv", SIMPLE.replace(',', '\t'));
            w.csvResource("ssv", SIMPLE.replace(',', ';'));
            w.csvResource("psv", SIMPLE.replace(',', '|'));
            for (String id : List.of("tsv", "ssv", "psv")) {
                var job = w.ckan.ended(w.ckan.submit(id));
                assertEquals("complete", job.get("status"), id + ": " + job);
                assertNull(job.get("error"));
                assertEquals(SIMPLE_TYPES_LOG, messages(job).get(1), id);
                assertEquals(FIRST_SIMPLE_ROW, w.site.table(id).rows.get(0), id);
                assertEquals(6, w.site.table(id).rows.size(), id);
            }
            var one = List.of("resource_show", "datastore_search", "datastore_create");
            assertEquals(List.of(one, one, one).stream().flatMap(List::stream).toList(), w.site.actions());
        }
    }

    @Test
    void aWindows1252FileIsReadAsSuchAndSaysSo() throws Exception {
        try (var w = new PushFixture()) {
            String text = "city,price\nZürich,12\nMálaga,7\n€uro-Stadt,3\n";
            String url = w.files.file("latin.csv", text.getBytes(Charset.forName("windows-1252")), "text/csv", true);
            w.resource("r1", url, "CSV");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create"), w.site.actions());
            assertEquals(List.of("Fetching from: " + url, "The file is not UTF-8 text: reading it as windows-1252.",
                    "Determined headers and types: [{'id': 'city', 'type': 'text'}, {'id': 'price', 'type': 'numeric'}]",
                    "Saving chunk 0 (last)", "Successfully pushed 3 entries to \"r1\"."), messages(job));
            assertEquals(List.of(Map.of("city", "Zürich", "price", 12), Map.of("city", "Málaga", "price", 7),
                    Map.of("city", "€uro-Stadt", "price", 3)), w.site.table("r1").rows);
        }
    }

    @Test
    void aUtf8FileWithAByteOrderMarkKeepsItsFirstColumnName() throws Exception {
        try (var w = new PushFixture()) {
            String url = w.files.file("bom.csv", ("\uFEFF" + SIMPLE).getBytes(StandardCharsets.UTF_8), "text/csv", true);
            w.resource("r1", url, "CSV");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create"), w.site.actions());
            assertEquals(SIMPLE_TYPES_LOG, messages(job).get(1));
            assertEquals(FIRST_SIMPLE_ROW, w.site.table("r1").rows.get(0));
        }
    }

    @Test
    void aThousandAndOneRowsGoInFiveChunksOf250AndTheLastCountsTheRecords() throws Exception {
        try (var w = new PushFixture()) {
            var csv = new StringBuilder("n,half,name\n");
            for (int i = 1; i <= 1001; i++) csv.append(i).append(',').append(i / 2.0).append(",row ").append(i).append('\n');
            w.csvResource("r1", csv.toString());
            var job = w.ckan.ended(w.ckan.submit("r1"));

            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create", "datastore_create", "datastore_create",
                    "datastore_create", "datastore_create"), w.site.actions());
            var sizes = new ArrayList<Integer>();
            var counts = new ArrayList<Object>();
            for (var c : w.site.calls().subList(2, 7)) {
                sizes.add(((List<?>) c.body().get("records")).size());
                counts.add(c.body().get("calculate_record_count"));
            }
            assertEquals(List.of(250, 250, 250, 250, 1), sizes);
            assertEquals(List.of(false, false, false, false, true), counts);
            assertEquals(List.of("Saving chunk 0 ", "Saving chunk 1 ", "Saving chunk 2 ", "Saving chunk 3 ", "Saving chunk 4 (last)",
                    "Successfully pushed 1001 entries to \"r1\"."), messages(job).subList(2, 8));
            var rows = w.site.table("r1").rows;
            assertEquals(1001, rows.size());
            assertEquals(Map.of("n", 1001, "half", "500.5", "name", "row 1001"), rows.get(1000),
                    "whole numbers go as JSON numbers, others as their text");
        }
    }

    @Test
    void anExistingTablesTypeOverrideAndDataDictionaryAreKeptWhenItIsReplaced() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("r1", SIMPLE);
            var info = new LinkedHashMap<String, Object>();
            info.put("type_override", "text");
            info.put("label", "Temperature (°C)");
            var temperature = new LinkedHashMap<String, Object>();
            temperature.put("id", "temperature");
            temperature.put("type", "text");
            temperature.put("info", info);
            w.site.addTable("r1", List.of(Map.of("id", "date", "type", "timestamp"), temperature, Map.of("id", "place", "type", "text")),
                    List.of(Map.of("date", "2000-01-01T00:00:00", "temperature", "old", "place", "Old")));
            var job = w.ckan.ended(w.ckan.submit("r1"));

            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_delete", "datastore_create"), w.site.actions());
            assertEquals(Map.of("id", "r1", "force", true), w.site.calls().get(2).body());
            assertEquals(List.of(Map.of("id", "date", "type", "timestamp"), temperature, Map.of("id", "place", "type", "text")),
                    w.site.calls().get(3).body().get("fields"));
            assertEquals(List.of("Fetching from: " + w.site.resource("r1").get("url"), "Deleting \"r1\" from datastore.",
                    "Determined headers and types: [{'id': 'date', 'type': 'timestamp'}, {'id': 'temperature', 'type': 'text',"
                            + " 'info': {'type_override': 'text', 'label': 'Temperature (°C)'}}, {'id': 'place', 'type': 'text'}]",
                    "Saving chunk 0 (last)", "Successfully pushed 6 entries to \"r1\"."), messages(job));
            var rows = w.site.table("r1").rows;
            assertEquals(6, rows.size(), "the old row is gone");
            assertEquals(Map.of("date", "2011-01-01T00:00:00", "temperature", "1", "place", "Galway"), rows.get(0));
        }
    }

    @Test
    void setUrlTypeUpdatesTheWholeResourceWithItsNewHash() throws Exception {
        try (var w = new PushFixture()) {
            var before = new LinkedHashMap<>(w.csvResource("r1", SIMPLE));
            var metadata = w.ckan.metadata("r1");
            metadata.put("set_url_type", true);
            var job = w.ckan.ended(w.ckan.submit(metadata, TOKEN));

            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("Fetching from: " + before.get("url"), SIMPLE_TYPES_LOG, "Saving chunk 0 (last)",
                    "Successfully pushed 6 entries to \"r1\"."), messages(job));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create", "resource_update"), w.site.actions());
            var expected = new LinkedHashMap<>(before);
            expected.put("url_type", "datapusher");
            expected.put("hash", PushFixture.md5(SIMPLE.getBytes(StandardCharsets.UTF_8)));
            assertEquals(expected, w.site.calls().get(3).body());
            assertEquals(expected, w.site.resource("r1"));
        }
    }

    @Test
    void anUnchangedHashEndsThePushAfterTheDownloadUnlessIgnored() throws Exception {
        try (var w = new PushFixture()) {
            String md5 = PushFixture.md5(SIMPLE.getBytes(StandardCharsets.UTF_8));
            w.csvResource("r1", SIMPLE).put("hash", md5);
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals("complete", job.get("status"));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show"), w.site.actions());
            assertEquals(List.of("Fetching from: " + w.site.resource("r1").get("url"), "The file hash hasn't changed: " + md5 + "."),
                    messages(job));
            assertNull(w.site.table("r1"));

            var metadata = w.ckan.metadata("r1");
            metadata.put("ignore_hash", true);
            job = w.ckan.ended(w.ckan.submit(metadata, TOKEN));
            assertEquals("complete", job.get("status"));
            assertEquals(List.of("resource_show", "resource_show", "datastore_search", "datastore_create"), w.site.actions());
            assertEquals(6, w.site.table("r1").rows.size());
        }
    }

    @Test
    void aColumnWithALaterValueOfAnotherKindIsLoadedAsTextRatherThanHalfLoaded() throws Exception {
        try (var w = new PushFixture()) {
            var csv = new StringBuilder("id,reading,taken\n");
            for (int i = 1; i <= 1500; i++) {
                csv.append(i).append(',').append(i == 1200 ? "n/a" : String.valueOf(i % 40)).append(',')
                        .append(i == 1300 ? "yesterday" : "2024-03-" + (10 + i % 18)).append('\n');
            }
            w.csvResource("r1", csv.toString());
            var job = w.ckan.ended(w.ckan.submit("r1"));

            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertEquals(List.of(
                    "Column \"reading\" is loaded as text: row 1200 holds \"n/a\", which is not numeric like the first 1000 rows.",
                    "Column \"taken\" is loaded as text: row 1300 holds \"yesterday\", which is not timestamp like the first 1000 rows.",
                    "Determined headers and types: [{'id': 'id', 'type': 'numeric'}, {'id': 'reading', 'type': 'text'},"
                            + " {'id': 'taken', 'type': 'text'}]"), messages(job).subList(1, 4));
            var rows = w.site.table("r1").rows;
            assertEquals(1500, rows.size());
            assertEquals(Map.of("id", 1, "reading", "1", "taken", "2024-03-11"), rows.get(0), "text as the file has it");
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create", "datastore_create", "datastore_create",
                    "datastore_create", "datastore_create", "datastore_create"), w.site.actions());
        }
    }

    @Test
    void anUploadIsFetchedFromTheCkanSiteWithTheApiKey() throws Exception {
        try (var w = new PushFixture()) {
            String internal = w.site.upload("r1", "simple.csv", SIMPLE.getBytes(StandardCharsets.UTF_8));
            String path = internal.substring(w.site.url().length());
            var r = w.resource("r1", "https://data.example.org" + path, "CSV");
            r.put("url_type", "upload");
            var job = w.ckan.ended(w.ckan.submit("r1"));

            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertNull(job.get("error"));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create"), w.site.actions());
            assertEquals("Fetching from: " + internal, messages(job).get(0));
            assertEquals(List.of(path + " Authorization=" + TOKEN), w.site.downloads());
            assertEquals(6, w.site.table("r1").rows.size());
        }
    }

    @Test
    void aDatastoreResourceIsLeftToTheDatastoreApi() throws Exception {
        try (var w = new PushFixture()) {
            w.csvResource("r1", SIMPLE).put("url_type", "datastore");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals("complete", job.get("status"));
            assertEquals(List.of("Dump files are managed with the Datastore API"), messages(job));
            assertEquals(List.of("resource_show"), w.site.actions());
            assertEquals(List.of(), w.files.requests());
        }
    }

    @Test
    void aRedirectIsFollowedToHttpOnly() throws Exception {
        try (var w = new PushFixture()) {
            String real = w.files.file("real.csv", SIMPLE.getBytes(StandardCharsets.UTF_8), "text/csv", true);
            w.resource("r1", w.files.redirect("moved.csv", 302, real), "CSV");
            w.resource("r2", w.files.redirect("away.csv", 301, "ftp://files.example.org/simple.csv"), "CSV");
            var job = w.ckan.ended(w.ckan.submit("r1"));
            assertEquals("complete", job.get("status"), String.valueOf(job));
            assertEquals(6, w.site.table("r1").rows.size());

            job = w.ckan.ended(w.ckan.submit("r2"));
            assertEquals("The download was redirected to ftp://files.example.org/simple.csv: only http and https are followed.",
                    CkanSide.error(job).get("message"));
            assertEquals(List.of("Fetching from: " + w.site.resource("r2").get("url")), messages(job));
            assertEquals(List.of("resource_show", "datastore_search", "datastore_create", "resource_show"), w.site.actions());
            assertEquals(List.of("/moved.csv Authorization=null", "/real.csv Authorization=null", "/away.csv Authorization=null"),
                    w.files.requests());
        }
    }
}
