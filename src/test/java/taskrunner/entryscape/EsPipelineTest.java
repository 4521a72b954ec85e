package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.Tenants;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.entryscape.ScapeClient.refused;
import static taskrunner.entryscape.ScapeClient.ES;
import static taskrunner.entryscape.ScapeClient.RDF_TYPE;

/**
 * EntryStore's pipelines as EntryScape drives them (reference §2.4, entrystore.js
 * {@code Pipeline}): a pipeline entry's graph is its resource, written at creation or by a PUT
 * and read back; {@code POST /store/{ctx}/execute} runs its rowstore transform on a file entry
 * with {@code create}, {@code replace}, {@code append} and {@code setalias}, for the caller only,
 * and answers 201 {@code {"result": [entry URI]}}. Every refusal is in EntryStore's envelope and
 * changes nothing.
 */
class EsPipelineTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;
    static String aAdmin;
    static String bAdmin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        var t = new Tenants(fx);
        admin = c.admin();
        aAdmin = c.login(t.who.get(Tenants.A_ADMIN).username(), t.who.get(Tenants.A_ADMIN).password());
        bAdmin = c.login(t.who.get(Tenants.B_ADMIN).username(), t.who.get(Tenants.B_ADMIN).password());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> info(String entryUri, String token) throws Exception {
        String path = entryUri.substring(c.base().length() - 1);
        var res = c.get(path, token);
        assertEquals(200, res.statusCode(), res.body());
        return (Map<String, Object>) ServerFixture.json(res.body()).get("info");
    }

    @SuppressWarnings("unchecked")
    static List<String> values(Map<String, Object> graph, String subject, String predicate) {
        var po = (Map<String, Object>) graph.get(subject);
        if (po == null || po.get(predicate) == null) return List.of();
        return ((List<Map<String, Object>>) po.get(predicate)).stream().map(o -> (String) o.get("value")).toList();
    }

    static String result(HttpResponse<String> res) throws Exception {
        assertEquals(201, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        @SuppressWarnings("unchecked")
        var uris = (List<String>) ServerFixture.json(res.body()).get("result");
        assertEquals(1, uris.size(), res.body());
        return uris.get(0);
    }

    /** The dataset URL of a pipeline result: its resource. */
    static String datasetOf(String resultUri) throws Exception {
        return values(info(resultUri, admin), resultUri, ES + "resource").get(0);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rowsOf(String datasetUrl) throws Exception {
        var res = c.getUri(datasetUrl + "/json");
        assertEquals(200, res.statusCode(), res.body());
        return (List<Map<String, Object>>) ServerFixture.json(res.body()).get("results");
    }

    @Test
    void aPipelineEntrysGraphIsItsResourceWrittenAtCreationOrByAPutAndReadBack() throws Exception {
        c.context(admin, "graphs");
        String res = c.base() + "store/graphs/resource/p1";
        var graph = ScapeClient.rowstorePipeline(res, Map.of("action", "create"));
        var created = c.json("POST", "/store/graphs?id=p1&graphtype=pipeline", admin, Map.of("resource", graph));
        assertEquals(201, created.statusCode(), created.body());
        var read = c.get("/store/graphs/resource/p1", admin);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(graph, ServerFixture.json(read.body()));
        assertEquals(List.of(ES + "Pipeline"), values(info(c.base() + "store/graphs/entry/p1", admin), res, RDF_TYPE),
                "the graph type is on the resource URI, where entrystore.js reads it");
        var all = ServerFixture.json(c.get("/store/graphs/entry/p1?includeAll&limit=50&sort=title&prio=List", admin).body());
        assertEquals(graph, all.get("resource"), "entrystore.js makes its Pipeline of includeAll's resource");

        var replaced = ScapeClient.rowstorePipeline(res, Map.of("action", "append", "datasetURL", "x"));
        var put = c.json("PUT", "/store/graphs/resource/p1", admin, replaced);
        assertEquals(204, put.statusCode(), put.body());
        assertTrue(put.headers().firstValue("Last-Modified").isPresent(), "entrystore.js sets the entry's date from it");
        assertEquals(replaced, ServerFixture.json(c.get("/store/graphs/resource/p1", admin).body()));

        assertEquals(201, c.json("POST", "/store/graphs?id=empty&graphtype=pipeline", admin, null).statusCode());
        refused(c.get("/store/graphs/resource/empty", admin), 404, "has not been set");
        var turtle = c.send(c.request("/store/graphs/resource/p1").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "text/turtle").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("[] a <x:y> .")));
        refused(turtle, 415, "RDF/JSON");
        refused(c.json("PUT", "/store/graphs/resource/p1", admin, "{\"s\": 1"), 400, "JSON");
        refused(c.json("PUT", "/store/graphs/resource/p1", admin, Map.of("s", List.of())), 400, "JSON");
        refused(c.json("POST", "/store/graphs?id=p2&graphtype=pipeline", admin, Map.of("resource", "not a graph")), 400, "JSON");
        assertEquals(replaced, ServerFixture.json(c.get("/store/graphs/resource/p1", admin).body()), "refused writes change nothing");
        refused(c.json("POST", "/store/graphs?graphtype=pipelineresult&entrytype=reference&resource=http://x/", admin, null), 400,
                "made by pipelines");
    }

    @Test
    void createLoadsTheSourceIntoANewDatasetAndMakesAPipelineResultThatPointsAtIt() throws Exception {
        c.context(admin, "create");
        String file = c.fileEntry(admin, "create", "f1", "station,value\nA,1\nB,2\n");
        String pipeline = c.pipeline(admin, "create", "rowstorePipeline", Map.of("action", "create"));
        String result = result(c.execute(admin, "create", pipeline, file));

        var info = info(result, admin);
        String dataset = values(info, result, ES + "resource").get(0);
        assertTrue(dataset.startsWith(c.base() + "rowstore/dataset/"), dataset);
        assertTrue(values(info, result, RDF_TYPE).contains(ES + "Reference"), info.toString());
        assertEquals(List.of(ES + "PipelineResult"), values(info, dataset, RDF_TYPE));
        assertEquals(List.of(dataset + "/info"), values(info, result, ES + "externalMetadata"));
        assertEquals(List.of(pipeline), values(info, result, ES + "pipeline"));
        assertEquals(List.of(file), values(info, result, ES + "pipelineData"));
        assertEquals(List.of(Map.of("station", "A", "value", "1"), Map.of("station", "B", "value", "2")), rowsOf(dataset));

        // a pipeline whose transform has no action argument creates, as EntryStore's does
        String bare = c.pipeline(admin, "create", "bare", Map.of());
        String second = result(c.execute(admin, "create", bare, file));
        assertNotEquals(dataset, datasetOf(second));
    }

    @Test
    void appendAndReplaceLoadTheDatasetOfTheirArgumentAndRecordTheirSources() throws Exception {
        c.context(admin, "update");
        String first = c.fileEntry(admin, "update", "f1", "station,value\nA,1\n");
        String second = c.fileEntry(admin, "update", "f2", "value,station\n2,B\n");
        String third = c.fileEntry(admin, "update", "f3", "station,value\nC,3\n");
        String pipeline = c.pipeline(admin, "update", "rowstorePipeline", Map.of("action", "create"));
        String result = result(c.execute(admin, "update", pipeline, first));
        String dataset = datasetOf(result);

        c.pipeline(admin, "update", "rowstorePipeline", Map.of("action", "append", "datasetURL", dataset));
        assertEquals(result, result(c.execute(admin, "update", pipeline, second)));
        assertEquals(List.of(Map.of("station", "A", "value", "1"), Map.of("station", "B", "value", "2")), rowsOf(dataset));
        assertEquals(List.of(first, second), values(info(result, admin), result, ES + "pipelineData"));

        c.pipeline(admin, "update", "rowstorePipeline", Map.of("action", "replace", "datasetURL", dataset));
        assertEquals(result, result(c.execute(admin, "update", pipeline, third)));
        assertEquals(List.of(Map.of("station", "C", "value", "3")), rowsOf(dataset));
        assertEquals(List.of(third), values(info(result, admin), result, ES + "pipelineData"));

        c.pipeline(admin, "update", "rowstorePipeline", Map.of("action", "setalias", "datasetURL", dataset, "alias", "airquality"));
        assertEquals(result, result(c.execute(admin, "update", pipeline, null)), "setalias needs no source");
        assertEquals(200, c.get("/rowstore/dataset/airquality/info", null).statusCode());
        assertEquals(List.of(third), values(info(result, admin), result, ES + "pipelineData"), "setalias records no source");
        c.pipeline(admin, "update", "rowstorePipeline", Map.of("action", "setalias", "datasetURL", dataset, "alias", ""));
        assertEquals(result, result(c.execute(admin, "update", pipeline, null)));
        assertEquals(404, c.get("/rowstore/dataset/airquality/info", null).statusCode(), "an empty alias clears them");
    }

    @Test
    void anotherAccountsDatasetIsRefusedAndStaysAsItWas() throws Exception {
        c.context(aAdmin, "a-cat");
        String aFile = c.fileEntry(aAdmin, "a-cat", "f1", "station,value\nA,1\n");
        String aResult = result(c.execute(aAdmin, "a-cat", c.pipeline(aAdmin, "a-cat", "rowstorePipeline", Map.of()), aFile));
        String aDataset = datasetOf(aResult);

        c.context(bAdmin, "b-cat");
        String bFile = c.fileEntry(bAdmin, "b-cat", "f1", "station,value\nEVIL,1\n");
        for (String action : List.of("replace", "append", "setalias")) {
            String p = c.pipeline(bAdmin, "b-cat", "rowstorePipeline", Map.of("action", action, "datasetURL", aDataset, "alias", "stolen"));
            refused(c.execute(bAdmin, "b-cat", p, bFile), 403, "Not authorized");
        }
        assertEquals(List.of(Map.of("station", "A", "value", "1")), rowsOf(aDataset));
        assertEquals(List.of(), ServerFixture.json(c.get(aDataset.substring(c.base().length() - 1) + "/info", null).body()).get("aliases"));

        // B cannot run anything in A's context, nor A's pipeline on B's file
        String aPipeline = c.base() + "store/a-cat/entry/rowstorePipeline";
        refused(c.execute(bAdmin, "a-cat", aPipeline, aFile), 403, "Not authorized");
        refused(c.execute(null, "a-cat", aPipeline, aFile), 401, "Not authorized");
        refused(c.execute(aAdmin, "a-cat", aPipeline, bFile), 400, "must be an entry of context a-cat");
        assertEquals(List.of(aFile), values(info(aResult, aAdmin), aResult, ES + "pipelineData"));
    }

    @Test
    void badRequestsGetAClearErrorInEntryStoresEnvelopeAndChangeNothing() throws Exception {
        c.context(admin, "bad");
        String file = c.fileEntry(admin, "bad", "f1", "station,value\nA,1\n");
        String pipeline = c.pipeline(admin, "bad", "rowstorePipeline", Map.of("action", "create"));
        assertEquals(201, c.json("POST", "/store/bad?id=named&informationresource=false", admin, Map.of("metadata", Map.of())).statusCode());
        assertEquals(201, c.json("POST", "/store/bad?id=nofile", admin, Map.of("metadata", Map.of())).statusCode());
        String broken = c.fileEntry(admin, "bad", "broken", "station,value\n\"A,1\n");
        var ownDataset = ServerFixture.json(c.csv("POST", "/rowstore/datasets", admin, "station,value\nZ,9\n").body());
        String entries = c.get("/store/bad", admin).body();
        int datasets = taskrunner.Json.STD.listFrom(c.get("/rowstore/datasets", null).body()).size();

        String base = c.base() + "store/bad/entry/";
        refused(c.send(c.request("/store/bad/execute").header("Cookie", "auth_token=" + admin).header("Accept", "text/html")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"pipeline\":\"" + pipeline + "\",\"source\":\"" + file + "\"}"))),
                415, "application/json");
        refused(c.json("POST", "/store/bad/execute", admin, "{\"pipeline\": "), 422, "JSON");
        refused(c.json("POST", "/store/bad/execute", admin, "[1]"), 422, "JSON");
        refused(c.json("POST", "/store/bad/execute", admin, Map.of("source", file)), 422, "pipeline");
        refused(c.execute(admin, "nope", pipeline, file), 404, "context");
        refused(c.execute(admin, "bad", "http://elsewhere.example/x", file), 400, "must be an entry of context bad");
        refused(c.execute(admin, "bad", base + "missing", file), 404, "Entry not found");
        refused(c.execute(admin, "bad", file, file), 409, "not a pipeline");
        refused(c.execute(admin, "bad", pipeline, base + "named"), 409, "local file entry with a mimetype");
        refused(c.execute(admin, "bad", pipeline, base + "nofile"), 409, "local file entry with a mimetype");
        refused(c.execute(admin, "bad", pipeline, null), 400, "needs a source");
        refused(c.execute(admin, "bad", pipeline, base + "broken"), 400, "cannot be loaded");
        refused(c.execute(admin, "bad", c.pipeline(admin, "bad", "p-replace", Map.of("action", "replace")), file), 400, "needs a datasetURL");
        refused(c.execute(admin, "bad", c.pipeline(admin, "bad", "p-nods", Map.of("action", "append", "datasetURL", "http://x.example/rowstore/dataset/none")),
                file), 400, "is not a dataset of this server's RowStore");
        refused(c.execute(admin, "bad", c.pipeline(admin, "bad", "p-odd", Map.of("action", "append", "datasetURL", "::not a url")),
                file), 400, "is not a dataset");
        refused(c.execute(admin, "bad", c.pipeline(admin, "bad", "p-noresult", Map.of("action", "append", "datasetURL", (String) ownDataset.get("url"))),
                file), 400, "No pipeline result in context bad");
        refused(c.execute(admin, "bad", c.pipeline(admin, "bad", "p-what", Map.of("action", "explode")), file), 400, "no action explode");
        assertEquals(201, c.json("POST", "/store/bad?id=p-none&graphtype=pipeline", admin, Map.of("resource", Map.of())).statusCode());
        refused(c.execute(admin, "bad", base + "p-none", file), 400, "no recognizable transforms");

        String after = c.get("/store/bad", admin).body();
        for (String id : List.of("p-replace", "p-nods", "p-odd", "p-noresult", "p-what", "p-none")) after = after.replace(",\"" + id + "\"", "");
        assertEquals(entries, after, "no pipeline result was made");
        int datasetsAfter = taskrunner.Json.STD.listFrom(c.get("/rowstore/datasets", null).body()).size();
        assertEquals(datasets, datasetsAfter, "no dataset was made");
        assertEquals(List.of(Map.of("station", "Z", "value", "9")), rowsOf((String) ownDataset.get("url")));
        assertEquals(200, c.get("/rowstore/status", null).statusCode(), "the server still serves");
    }
}
