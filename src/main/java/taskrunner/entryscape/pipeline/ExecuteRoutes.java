package taskrunner.entryscape.pipeline;

import taskrunner.auth.Principal;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.util.List;
import java.util.Map;

/**
 * EntryStore's {@code POST /store/{ctx}/execute} with {@code {"pipeline": <entry URI>,
 * "source": <entry URI>}}: runs a pipeline entry of the context on a file entry of it, within
 * the request, and answers 201 {@code {"result": [<entry URI>]}} (entrystore.js's
 * {@code Pipeline.execute}). Only the {@code rowstore} transform runs here
 * ({@link RowStoreTransform}); other transform types are skipped, as EntryStore skips types it
 * does not know.
 *
 * <p>Checks, in this order, each refusal in EntryStore's envelope and before anything
 * changes: a signed-in caller (401) who may write the context ({@link EntryStore#mayWrite},
 * 404 for an unknown context, 403); an Accept that allows JSON (415); a JSON object with a
 * string {@code pipeline} (422); pipeline and source entries of this context (400) that exist
 * (404); a pipeline entry (409); as source a local file entry with a mimetype (409); one
 * rowstore transform in the pipeline (400). The pipeline's graph is its resource, or, for
 * pipelines written the old way, its metadata.
 */
public final class ExecuteRoutes {
    private final EntryStore es;
    private final EsAuth auth;
    private final RowStoreTransform rowstore;

    public ExecuteRoutes(EntryStore es, EsAuth auth, RowStoreTransform rowstore) {
        this.es = es;
        this.auth = auth;
        this.rowstore = rowstore;
    }

    public void install(Router r, long maxBody) {
        r.route("POST", "/store/{ctx}/execute", EsFace.INSTANCE, maxBody, this::execute);
    }

    private Response execute(Request req) throws Exception {
        Principal p = auth.required(req);
        Context c = es.context(req.param("ctx"));
        if (c == null) throw EsFace.fail(404, "The requested context ID does not exist");
        if (!es.mayWrite(p, c)) throw EsFace.fail(403, "Not authorized");
        if (!req.accepts("application/json")) throw EsFace.fail(415, "The answer of /execute is JSON: the Accept header must allow application/json");
        Map<?, ?> body = bodyOf(req);
        if (!(body.get("pipeline") instanceof String pipelineUri)) {
            throw EsFace.fail(422, "The body needs \"pipeline\": the entry URI of a pipeline of context " + c.id());
        }
        Object sourceUri = body.get("source");
        if (sourceUri != null && !(sourceUri instanceof String)) throw EsFace.fail(422, "\"source\" must be an entry URI");
        Entry pipeline = entryOfContext(c, pipelineUri, "pipeline");
        Entry source = sourceUri == null ? null : entryOfContext(c, (String) sourceUri, "source");
        if (!"pipeline".equals(pipeline.graphType())) throw EsFace.fail(409, pipelineUri + " is not a pipeline (graph type pipeline)");
        if (source != null && (!source.isLocal() || !source.infoResource() || !"none".equals(source.graphType())
                || source.mimetype() == null || source.blob() == null)) {
            throw EsFace.fail(409, "The source must be a local file entry with a mimetype: " + sourceUri);
        }
        Map<String, Object> graph = pipeline.graph() == null || pipeline.graph().isEmpty() ? pipeline.metadata() : pipeline.graph();
        List<Pipeline.Transform> steps = Pipeline.of(graph).ofType(RowStoreTransform.TYPE);
        if (steps.isEmpty()) throw EsFace.fail(400, "The pipeline has no recognizable transforms (rowstore is the one that runs here)");
        if (steps.size() > 1) throw EsFace.fail(400, "The pipeline has " + steps.size() + " rowstore transforms; one runs here");
        Entry result = rowstore.run(p, c, pipeline, source, steps.get(0).arguments());
        return Response.json(201, Map.of("result", List.of(es.entryUri(result.context(), result.id()))));
    }

    private static Map<?, ?> bodyOf(Request req) throws Exception {
        byte[] bytes = req.bodyBytes(); // over the limit: 413
        Object json;
        try {
            json = taskrunner.Json.STD.anyFrom(bytes);
        } catch (java.io.IOException e) {
            json = null;
        }
        if (!(json instanceof Map<?, ?> m)) throw EsFace.fail(422, "Error in JSON syntax: the body must be a JSON object");
        return m;
    }

    /** The entry an entry URI names, which must be of context {@code c}: 400 if it is not, 404 if there is none. */
    private Entry entryOfContext(Context c, String uri, String what) {
        String[] key = es.parseEntryUri(uri);
        if (key == null || !key[0].equals(c.id())) {
            throw EsFace.fail(400, "The " + what + " must be an entry of context " + c.id() + " (" + es.entryUri(c.id(), "<id>") + "): " + uri);
        }
        Entry e = es.entry(key[0], key[1]);
        if (e == null) throw EsFace.fail(404, "Entry not found: " + uri);
        return e;
    }
}
