package taskrunner.entryscape.entrystore;

import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.Rdf;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.util.NamedLocks;

import java.time.Clock;
import java.util.Map;

/**
 * The resource of a local graph or pipeline entry, as EntryStore keeps it: one RDF graph
 * (here RDF/JSON only), given at creation as the body's {@code "resource"}, read with
 * {@code GET /store/{ctx}/resource/{id}} and replaced as a whole with a PUT there
 * (entrystore.js's {@code Graph.commit}, EntryScape's rowstore pipeline).
 *
 * <p>Invariant: a PUT re-reads the entry under the lock of its resource
 * ({@link ResourceRoutes#lockName}) and writes it back with one journal put, so it never
 * undoes another write of the resource that came first.
 */
final class GraphResource {
    private final EntryStore es;
    private final NamedLocks locks;
    private final Clock clock;
    private final long maxBody;

    /** @param maxBody the largest graph a PUT may send (the server's JSON body limit) */
    GraphResource(EntryStore es, NamedLocks locks, Clock clock, long maxBody) {
        this.es = es;
        this.locks = locks;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    /** Whether entries of this graph type (EntryStore's, lower case) have an RDF graph as their resource. */
    static boolean holds(String graphType) {
        return graphType.equals("graph") || graphType.equals("pipeline");
    }

    static boolean holds(Entry e) {
        return e.isLocal() && holds(e.graphType());
    }

    /** The {@code "resource"} graph of an entry-creation body, or null if it has none; 400 if it is not RDF/JSON. */
    static Map<String, Object> ofCreateBody(Object body) {
        if (!(body instanceof Map<?, ?> m) || m.get("resource") == null) return null;
        return checked(m.get("resource"));
    }

    Response get(Entry e) {
        if (e.graph() == null) throw EsFace.fail(404, "The " + e.graphType() + " has not been set");
        return LastModified.stamp(Response.json(200, e.graph()), e.modified());
    }

    Response put(Request req, Entry e) throws Exception {
        String type = req.mediaType();
        if (type != null && !type.equals("application/json") && !type.equals("application/rdf+json")) {
            throw EsFace.fail(415, "The resource of a " + e.graphType() + " entry is RDF/JSON (application/json), not " + type);
        }
        Object json;
        try {
            json = req.bodyJson(maxBody);
        } catch (Request.MalformedBody bad) {
            throw EsFace.fail(400, "Error in JSON syntax: " + bad.getMessage());
        }
        Map<String, Object> graph = checked(json);
        Entry saved = locks.with(ResourceRoutes.lockName(e.key()), () -> {
            Entry cur = es.entry(e.context(), e.id());
            if (cur == null) throw EsFace.fail(404, "Entry not found");
            LastModified.check(req, cur.modified());
            Entry next = cur.withGraph(graph, clock.millis());
            es.put(next);
            return next;
        });
        return LastModified.stamp(Response.empty(204), saved.modified());
    }

    private static Map<String, Object> checked(Object json) {
        if (json == null) throw EsFace.fail(400, "The body must be an RDF/JSON graph");
        try {
            return Rdf.check(json);
        } catch (Rdf.Malformed m) {
            throw EsFace.fail(400, "Error in JSON syntax: " + m.getMessage());
        }
    }
}
