package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Taskrunner's addFile and replaceFile end to end over real HTTP, and what it refuses. */
class EsTaskrunnerTest {
    static final long UPLOAD_LIMIT = 64 * 1024;
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.maxUploadBytes(UPLOAD_LIMIT)));
        c = new ScapeClient(fx);
        admin = c.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @SuppressWarnings("unchecked")
    private static List<String> values(Map<String, Object> graph, String s, String p) {
        var po = (Map<String, Object>) graph.get(s);
        if (po == null || !po.containsKey(p)) return List.of();
        return ((List<Map<String, Object>>) po.get(p)).stream().map(o -> (String) o.get("value")).toList();
    }

    private static Map<String, Object> metadata(String resourceUri) throws Exception {
        var res = c.get(resourceUri.replace(c.base(), "/").replace("/resource/", "/metadata/"), admin);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    @Test
    void addFileAddsTheFileToTheDistributionAndAppendsItsRowsToTheApi() throws Exception {
        var cat = c.catalog(admin, "add1", ScapeClient.rows("station,value", "old", 1, 3));
        var res = c.addFile(admin, cat.distUri(), "more.csv", ScapeClient.rows("station,value", "new", 1, 2));
        assertEquals(200, res.statusCode(), res.body());
        var sub = ServerFixture.json(res.body());
        String jobId = (String) sub.get("jobId");
        assertTrue(jobId.matches("[0-9a-f]{32}"), jobId);
        String proto = (String) sub.get("prototypeURI");
        assertTrue(proto.startsWith(c.base() + "store/add1/resource/"), proto);

        var job = c.awaitJob(jobId);
        assertEquals("Success", job.get("status"), job.toString());
        assertEquals(jobId, job.get("id"));
        @SuppressWarnings("unchecked") var results = (Map<String, Object>) job.get("results");
        assertEquals(proto, results.get("fileURI"));
        assertEquals(cat.datasetUrl(), results.get("apiURL"));
        assertEquals(5, results.get("rowCount"));

        var file = c.get(proto.replace(c.base(), "/"), admin);
        assertEquals(200, file.statusCode());
        assertEquals(ScapeClient.rows("station,value", "new", 1, 2), file.body());
        var dist = metadata(cat.distUri());
        assertEquals(List.of(cat.fileUri(), proto), values(dist, cat.distUri(), ScapeClient.DCAT + "downloadURL"));
        assertEquals(List.of(cat.fileUri(), proto), values(dist, cat.distUri(), ScapeClient.DCAT + "accessURL"));
        assertTrue(values(dist, cat.distUri(), ScapeClient.DCT + "modified").get(0).matches("\\d{4}-\\d\\d-\\d\\d"));
        var fileMd = metadata(proto);
        assertEquals(List.of("more.csv"), values(fileMd, proto, ScapeClient.DCT + "title"));
        assertEquals(List.of("http://entryscape.com/terms/File"), values(fileMd, proto, ScapeClient.RDF_TYPE));

        var api = c.query("/rowstore/dataset/" + cat.datasetId() + "/json");
        assertEquals(5, api.get("resultCount"));
        assertEquals(Map.of("station", "new2", "value", "20"), ((List<?>) api.get("results")).get(4));
        assertEquals(1, c.query("/rowstore/dataset/" + cat.datasetId() + "/json?station=new1").get("resultCount"));
        assertTrue(values(metadata(cat.apiUri()), cat.apiUri(), ScapeClient.DCT + "modified").size() == 1);
        // EntryStore's inverse relations lead from the new file to its distribution
        var rel = ServerFixture.json(c.get(proto.replace(c.base(), "/").replace("/resource/", "/relations/"), admin).body());
        assertEquals(List.of(proto), values(rel, cat.distUri(), ScapeClient.DCAT + "downloadURL"));
    }

    @Test
    void replaceFileRebuildsTheApiFromAllFilesOfTheDistribution() throws Exception {
        var cat = c.catalog(admin, "rep1", ScapeClient.rows("station,value", "a", 1, 2));
        var add = ServerFixture.json(c.addFile(admin, cat.distUri(), "b.csv", ScapeClient.rows("station,value", "b", 1, 2)).body());
        assertEquals("Success", c.awaitJob((String) add.get("jobId")).get("status"));
        String second = (String) add.get("prototypeURI");

        var res = c.replaceFile(admin, cat.fileUri(), "a2.csv", ScapeClient.rows("value,station", "9", 1, 3).replace("value,station", "value,station"));
        assertEquals(200, res.statusCode(), res.body());
        var job = c.awaitJob((String) ServerFixture.json(res.body()).get("jobId"));
        assertEquals("Success", job.get("status"), job.toString());

        // same file URI, new bytes; rows of the replaced file then of the second file, in the dataset's column order
        var file = c.get(cat.fileUri().replace(c.base(), "/"), admin);
        assertTrue(file.body().startsWith("value,station\n91,10\n"), file.body());
        assertEquals(List.of("a2.csv"), values(metadata(cat.fileUri()), cat.fileUri(), ScapeClient.DCT + "title"));
        var api = c.query("/rowstore/dataset/" + cat.datasetId() + "/json");
        assertEquals(5, api.get("resultCount"));
        var results = (List<?>) api.get("results");
        assertEquals(Map.of("value", "91", "station", "10"), results.get(0));
        assertEquals(Map.of("value", "20", "station", "b2"), results.get(4));
        assertEquals(List.of("value", "station"), c.query("/rowstore/dataset/" + cat.datasetId() + "/info").get("columnnames"));
        assertEquals(List.of(cat.fileUri(), second), values(metadata(cat.distUri()), cat.distUri(), ScapeClient.DCAT + "downloadURL"));
    }

    @Test
    void filesOfADistributionWithoutAnApiNeedNotBeCsv() throws Exception {
        c.json("POST", "/store/_contexts?id=noapi&graphtype=context", admin, null);
        String dist = c.base() + "store/noapi/resource/d";
        c.json("POST", "/store/noapi?id=d&informationresource=false", admin, Map.of("metadata", Map.of(dist,
                Map.of(ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ScapeClient.DCAT + "Distribution"))))));
        var res = c.upload("POST", "/taskrunner/v1/distribution/addFile?resourceURI=" + ScapeClient.enc(dist), admin,
                "file", "report.pdf", "application/pdf", "%PDF-1.4 not csv");
        assertEquals(200, res.statusCode(), res.body());
        var sub = ServerFixture.json(res.body());
        assertEquals("Success", c.awaitJob((String) sub.get("jobId")).get("status"));
        var file = c.get(((String) sub.get("prototypeURI")).replace(c.base(), "/"), admin);
        assertEquals("application/pdf", file.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(List.of("application/pdf"), values(metadata(dist), dist, ScapeClient.DCT + "format"));
    }

    @Test
    void badRequestsAreRefusedClearlyAndChangeNothing() throws Exception {
        var cat = c.catalog(admin, "bad1", ScapeClient.rows("station,value", "a", 1, 2));
        String add = "/taskrunner/v1/distribution/addFile?resourceURI=" + ScapeClient.enc(cat.distUri());
        int entries = ServerFixture.json("{\"l\":" + c.get("/store/bad1", admin).body() + "}").get("l") instanceof List<?> l ? l.size() : -1;

        // no cookie, unknown and foreign URIs, a missing file part, malformed multipart, non-CSV, oversize
        assertEquals(401, c.addFile(null, cat.distUri(), "x.csv", "station,value\n").statusCode());
        var unknown = c.addFile(admin, c.base() + "store/bad1/resource/nosuch", "x.csv", "station,value\n");
        assertEquals(404, unknown.statusCode());
        var foreign = c.addFile(admin, "https://elsewhere.example/catalog/34/5", "x.csv", "station,value\n");
        assertEquals(404, foreign.statusCode());
        assertTrue(((String) ServerFixture.json(foreign.body()).get("error")).contains("not a resource of this EntryStore"));
        assertEquals(400, c.addFile(admin, cat.fileUri(), "x.csv", "station,value\n").statusCode(), "a file is not a distribution");
        assertEquals(400, c.addFile(admin, cat.apiUri(), "x.csv", "station,value\n").statusCode(), "nor is an API distribution");
        assertEquals(400, c.replaceFile(admin, cat.distUri(), "x.csv", "station,value\n").statusCode(), "a distribution is not a file");
        var noPart = c.upload("POST", add, admin, "upload", "x.csv", "text/csv", "station,value\nq,1\n");
        assertEquals(400, noPart.statusCode());
        assertTrue(((String) ServerFixture.json(noPart.body()).get("error")).contains("\"file\""));
        var malformed = c.send(fx.request(add).header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "multipart/form-data; boundary=qq")
                .POST(HttpRequest.BodyPublishers.ofString("--qq\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\nstation,value\n")));
        assertEquals(400, malformed.statusCode(), malformed.body());
        var raw = c.csv("POST", add, admin, "station,value\nq,1\n");
        assertEquals(400, raw.statusCode());
        var pdf = c.upload("POST", add, admin, "file", "x.pdf", "application/pdf", "%PDF");
        assertEquals(400, pdf.statusCode());
        assertTrue(((String) ServerFixture.json(pdf.body()).get("error")).contains("CSV"));
        var big = c.addFile(admin, cat.distUri(), "big.csv", "station,value\n" + "x,1\n".repeat((int) (UPLOAD_LIMIT / 4) + 10));
        assertEquals(413, big.statusCode());

        var identity = fx.server.services().identity();
        var acct = identity.createAccount(identity.root().id(), "tr-other");
        identity.createUser(acct.account().id(), "trother", "pw-tr", true, null, null, null);
        String other = c.login("trother", "pw-tr");
        assertEquals(403, c.addFile(other, cat.distUri(), "x.csv", "station,value\nq,1\n").statusCode());
        assertEquals(403, c.replaceFile(other, cat.fileUri(), "x.csv", "station,value\nq,1\n").statusCode());

        assertEquals(2, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
        assertEquals(List.of(cat.fileUri()), values(metadata(cat.distUri()), cat.distUri(), ScapeClient.DCAT + "downloadURL"));
        assertEquals(entries, ((List<?>) ServerFixture.json("{\"l\":" + c.get("/store/bad1", admin).body() + "}").get("l")).size());
        assertEquals(404, c.get("/taskrunner/v1/job/0123456789abcdef0123456789abcdef", null).statusCode());
    }

    @Test
    void aFilePartFollowedByAMalformedPartLeavesNoBlobBehind() throws Exception {
        var cat = c.catalog(admin, "bad2", ScapeClient.rows("station,value", "a", 1, 2));
        String add = "/taskrunner/v1/distribution/addFile?resourceURI=" + ScapeClient.enc(cat.distUri());
        var before = blobFiles();
        String file = "station,value\n" + "x,1\n".repeat(2000); // past BlobStore.INLINE_MAX: a file of its own
        var body = "--qq\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + file + "\r\n--qq\r\nno colon here\r\n\r\n--qq--\r\n";
        var res = c.send(fx.request(add).header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "multipart/form-data; boundary=qq").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(400, res.statusCode(), res.body());
        assertEquals(before, blobFiles());
    }

    private static java.util.Set<String> blobFiles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(fx.dataDir.resolve("blobs"))) {
            return files.filter(java.nio.file.Files::isRegularFile).map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void aFileWhoseColumnsDoNotMatchTheApiFailsTheJobAndChangesNothing() throws Exception {
        var cat = c.catalog(admin, "cols1", ScapeClient.rows("station,value", "a", 1, 2));
        var sub = ServerFixture.json(c.addFile(admin, cat.distUri(), "other.csv", "name,age\nx,1\n").body());
        var job = c.awaitJob((String) sub.get("jobId"));
        assertEquals("Failed", job.get("status"));
        assertTrue(((String) job.get("error")).contains("columns"), job.toString());
        assertTrue(!job.containsKey("results"));
        assertEquals(404, c.get(((String) sub.get("prototypeURI")).replace(c.base(), "/"), admin).statusCode());
        assertEquals(List.of(cat.fileUri()), values(metadata(cat.distUri()), cat.distUri(), ScapeClient.DCAT + "downloadURL"));
        assertEquals(2, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
        // replaceFile with a broken CSV keeps the old bytes too
        var rep = ServerFixture.json(c.replaceFile(admin, cat.fileUri(), "a.csv", "station,value\n\"unterminated,1\n").body());
        assertEquals("Failed", c.awaitJob((String) rep.get("jobId")).get("status"));
        assertEquals(ScapeClient.rows("station,value", "a", 1, 2), c.get(cat.fileUri().replace(c.base(), "/"), admin).body());
        assertNotEquals(0, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
    }

    @Test
    void concurrentJobsOnOneDistributionAreSerializedAndLoseNoRows() throws Exception {
        var cat = c.catalog(admin, "conc1", ScapeClient.rows("station,value", "old", 1, 2));
        var ids = new java.util.ArrayList<String>();
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            futures.add(pool.submit(() -> (String) ServerFixture.json(c.addFile(admin, cat.distUri(), "p" + n + ".csv",
                    ScapeClient.rows("station,value", "p" + n + "-", 1, 10)).body()).get("jobId")));
        }
        for (var f : futures) ids.add(f.get());
        pool.shutdown();
        for (String id : ids) assertEquals("Success", c.awaitJob(id).get("status"));
        assertEquals(62, c.query("/rowstore/dataset/" + cat.datasetId() + "/json").get("resultCount"));
        for (int i = 0; i < 6; i++) {
            assertEquals(1, c.query("/rowstore/dataset/" + cat.datasetId() + "/json?station=p" + i + "-10").get("resultCount"));
        }
        assertEquals(7, values(metadata(cat.distUri()), cat.distUri(), ScapeClient.DCAT + "downloadURL").size());
    }

    @Test
    void aLargeFileStreamsThroughUploadBuildAndQuery() throws Exception {
        // over this class's small upload limit, so a server with the default limit
        try (var big = new ServerFixture()) {
            var bc = new ScapeClient(big);
            String token = bc.admin();
            var bcat = bc.catalog(token, "big1", ScapeClient.rows("station,value", "old", 1, 3));
            String csv = ScapeClient.rows("station,value", "station-number-", 1, 60_000);
            var res = bc.addFile(token, bcat.distUri(), "big.csv", csv);
            assertEquals(200, res.statusCode(), res.body());
            var job = bc.awaitJob((String) ServerFixture.json(res.body()).get("jobId"));
            assertEquals("Success", job.get("status"), job.toString());
            String api = "/rowstore/dataset/" + bcat.datasetId();
            assertEquals(60_003L, ((Number) bc.query(api + "/info").get("rowcount")).longValue());
            var last = bc.query(api + "/json?station=station-number-60000");
            assertEquals(List.of(Map.of("station", "station-number-60000", "value", "600000")), last.get("results"));
            var page = bc.query(api + "/json?_offset=60000&_limit=10");
            assertEquals(3, ((List<?>) page.get("results")).size());
            assertEquals(60_003, page.get("resultCount"));
        }
    }
}
