package taskrunner.entryscape.entrystore;

import taskrunner.auth.Principal;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.Rdf;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.util.NamedLocks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * EntryStore's context, entry and metadata routes: create a context (admins), create,
 * read and delete entries, read and replace their RDF/JSON metadata, and their relations.
 * Files are in {@link ResourceRoutes}. Entry JSON is {@link EntryDoc}'s; every read and write
 * carries the entry's {@link LastModified} date.
 *
 * <p>A path whose context id is one of EntryStore's own global names ({@code search},
 * {@code lookup}, {@code _principals}, ...) reaches these patterns only because this server
 * lacks that route: it is answered as unsupported ({@link EsFace#unsupported}), not as an
 * unknown context.
 */
public final class EntryRoutes {
    private static final Set<String> ENTRY_TYPES = Set.of("local", "link", "reference", "linkreference");
    private static final Set<String> GRAPH_TYPES = Set.of("none", "list", "resultlist", "context", "systemcontext",
            "user", "group", "string", "graph", "pipeline", "pipelineresult");

    private final EntryStore es;
    private final EntryDocs docs;
    private final EsAuth auth;
    private final NamedLocks locks;
    private final Clock clock;

    public EntryRoutes(EntryStore es, EntryDocs docs, EsAuth auth, NamedLocks locks, Clock clock) {
        this.es = es;
        this.docs = docs;
        this.auth = auth;
        this.locks = locks;
        this.clock = clock;
    }

    public void install(Router r, long maxBody) {
        var f = EsFace.INSTANCE;
        r.route("POST", "/store/_contexts", f, maxBody, this::createContext);
        r.route("GET", "/store/_contexts/entry/{ctx}", f, this::getContext);
        r.route("GET", "/store/{ctx}", f, this::listContext);
        r.route("POST", "/store/{ctx}", f, maxBody, this::createEntry);
        r.route("GET", "/store/{ctx}/entry/{id}", f, this::getEntry);
        r.route("DELETE", "/store/{ctx}/entry/{id}", f, this::deleteEntry);
        r.route("GET", "/store/{ctx}/metadata/{id}", f, this::getMetadata);
        r.route("PUT", "/store/{ctx}/metadata/{id}", f, maxBody, this::putMetadata);
        r.route("GET", "/store/{ctx}/relations/{id}", f, this::relations);
    }

    /** The triples of other readable entries' metadata that point at this entry's resource (e.g. file → distribution). */
    private Response relations(Request req) {
        Entry target = readableEntry(req);
        String uri = es.resourceUri(target);
        return Response.json(200, es.relations(List.of(uri), auth.optional(req)).get(uri));
    }

    /** The context, if the caller may read it: 404 unknown, 401 guest, 403 another account's. */
    Context readable(Request req, String ctxId, Principal p) {
        Context c = known(req, ctxId);
        if (p == null) throw EsFace.fail(401, "Not authorized");
        if (!es.mayRead(p, c)) throw EsFace.fail(403, "Not authorized");
        return c;
    }

    /** The context named in the path: 501 for one of EntryStore's own names this server lacks a route for, 404 unknown. */
    private Context known(Request req, String ctxId) {
        if (EntryStore.isReserved(ctxId)) throw EsFace.unsupported(req);
        Context c = es.context(ctxId);
        if (c == null) throw EsFace.fail(404, "The requested context ID does not exist");
        return c;
    }

    private Response createContext(Request req) throws Exception {
        Principal p = auth.required(req);
        if (!p.admin()) throw EsFace.fail(403, "Not authorized: only administrators create contexts");
        String gt = req.query("graphtype");
        if (gt != null && !gt.equalsIgnoreCase("context")) throw EsFace.fail(400, "Entries in _contexts have graphtype context");
        String given = req.query("id");
        for (int attempt = 1; ; attempt++) {
            synchronized (this) {
                String id = given == null || given.isEmpty()
                        ? nextNumericId(es.store().all(Context.KIND).stream().map(Context::id).toList()) : given;
                if (!EntryStore.validContextId(id)) throw EsFace.fail(400, "Invalid context id: " + id);
                String location = es.storeUri() + "_contexts/entry/" + id;
                if (es.context(id) != null) throw exists(location);
                var c = new Context(id, p.account().id(), p.user() == null ? null : p.user().id(), clock.millis());
                try {
                    es.createContext(c);
                } catch (taskrunner.store.Conflict madeElsewhere) { // through another server a moment ago
                    if (given != null && !given.isEmpty() || attempt == 10) throw exists(location);
                    continue; // a number of our own choosing: memory knows the other one now, take the next
                }
                return LastModified.stamp(Response.json(201, Map.of("entryId", id)).header("Location", location), c.created());
            }
        }
    }

    /** EntryStore's answer to a creation under an id that is taken. */
    private static taskrunner.http.HttpError exists(String location) {
        return new taskrunner.http.HttpError(Response.json(409, Map.of("error", "Entry with provided ID already exists"))
                .header("Location", location));
    }

    private Response getContext(Request req) {
        Principal p = auth.optional(req);
        Context c = readable(req, req.param("ctx"), p);
        return read(req, docs.of(c, p), p);
    }

    /** An entry read: its doc's JSON (with relations when includeAll is asked), stamped with its date. */
    Response read(Request req, EntryDoc d, Principal p) {
        boolean all = req.query("includeAll") != null;
        var relations = all ? es.relations(List.of(d.resourceUri()), p).get(d.resourceUri()) : Map.<String, Object>of();
        return LastModified.stamp(Response.json(200, d.json(relations, all)), d.info().modified());
    }

    private Response listContext(Request req) {
        Context c = readable(req, req.param("ctx"), auth.optional(req));
        return Response.json(200, es.entries(c.id()).stream().map(Entry::id).toList());
    }

    private Response createEntry(Request req) throws Exception {
        Principal p = auth.required(req);
        Context c = known(req, req.param("ctx"));
        if (!es.mayWrite(p, c)) throw EsFace.fail(403, "Not authorized");
        String et = lower(req.query("entrytype"), "local");
        String gt = lower(req.query("graphtype"), "none");
        if (!ENTRY_TYPES.contains(et)) throw EsFace.fail(400, "Unknown entrytype: " + et);
        if (!GRAPH_TYPES.contains(gt)) throw EsFace.fail(400, "Unknown graphtype: " + gt);
        if (gt.equals("pipelineresult")) throw EsFace.fail(400, "Cannot create entry: pipeline results are made by pipelines (POST /store/{ctx}/execute)");
        String resource = req.query("resource");
        if (!et.equals("local") && (resource == null || resource.isBlank())) {
            throw EsFace.fail(400, "A " + et + " entry needs a resource parameter");
        }
        boolean infoResource = !"false".equalsIgnoreCase(req.query("informationresource")) && gt.equals("none");
        String body = new String(req.bodyBytes(), StandardCharsets.UTF_8);
        String given = req.query("id");
        for (int attempt = 1; ; attempt++) {
            synchronized (this) {
                String id = given == null || given.isEmpty() ? nextNumericId(es.entries(c.id()).stream().map(Entry::id).toList()) : given;
                if (!EntryStore.ID.matcher(id).matches()) throw EsFace.fail(400, "Invalid entry id: " + id);
                String location = es.entryUri(c.id(), id);
                if (es.entry(c.id(), id) != null) throw exists(location);
                Map<String, Object> md = metadataOf(body.replace("_newId", id));
                Map<String, Object> graph = et.equals("local") && GraphResource.holds(gt) ? graphOf(body.replace("_newId", id)) : null;
                long now = clock.millis();
                try {
                    es.create(new Entry(c.id(), id, et, gt, infoResource, et.equals("local") ? null : resource, md,
                            null, null, null, 0, null, now, now, p.user() == null ? null : p.user().id(), null).withGraph(graph, now));
                } catch (taskrunner.store.Conflict madeElsewhere) { // through another server a moment ago
                    if (given != null && !given.isEmpty() || attempt == 10) throw exists(location);
                    continue; // a number of our own choosing: memory knows the other one now, take the next
                }
                return LastModified.stamp(Response.json(201, Map.of("entryId", id)).header("Location", location), now);
            }
        }
    }

    private static Map<String, Object> metadataOf(String body) {
        if (body.isBlank()) return new LinkedHashMap<>();
        try {
            Object json = taskrunner.Json.STD.anyFrom(body);
            if (!(json instanceof Map<?, ?> m)) throw EsFace.fail(400, "Error in JSON syntax");
            return Rdf.check(m.get("metadata"));
        } catch (java.io.IOException e) {
            throw EsFace.fail(400, "Error in JSON syntax");
        } catch (Rdf.Malformed e) {
            throw EsFace.fail(400, "Error in JSON syntax: " + e.getMessage());
        }
    }

    /** The {@code "resource"} of a graph or pipeline entry's creation body (EntryStore's RDFResource), or null. */
    private static Map<String, Object> graphOf(String body) {
        if (body.isBlank()) return null;
        try {
            return GraphResource.ofCreateBody(taskrunner.Json.STD.anyFrom(body));
        } catch (java.io.IOException e) {
            throw EsFace.fail(400, "Error in JSON syntax");
        }
    }

    Entry readableEntry(Request req) {
        Principal p = auth.optional(req);
        Context c = readable(req, req.param("ctx"), p);
        Entry e = es.entry(c.id(), req.param("id"));
        if (e == null) throw EsFace.fail(404, "Entry not found");
        return e;
    }

    /** An entry the caller may change, and the core user id of the caller (null for an api_key token). */
    record Writable(Entry entry, String by) {}

    Writable writable(Request req) {
        Principal p = auth.required(req);
        Context c = known(req, req.param("ctx"));
        if (!es.mayWrite(p, c)) throw EsFace.fail(403, "Not authorized");
        Entry e = es.entry(c.id(), req.param("id"));
        if (e == null) throw EsFace.fail(404, "Entry not found");
        return new Writable(e, p.user() == null ? null : p.user().id());
    }

    private Response getEntry(Request req) {
        Entry e = readableEntry(req);
        Principal p = auth.optional(req);
        return read(req, docs.of(e, p), p);
    }

    private Response deleteEntry(Request req) throws Exception {
        es.delete(writable(req).entry());
        return Response.empty(204);
    }

    private Response getMetadata(Request req) {
        Entry e = readableEntry(req);
        String format = req.query("format");
        if (format != null && !format.equals("application/json") && !format.equals("application/rdf+json")) {
            throw EsFace.fail(406, "Unknown requested format: only application/json (RDF/JSON) is served");
        }
        return LastModified.stamp(Response.json(200, e.metadata()), e.modified());
    }

    private Response putMetadata(Request req) throws Exception {
        Writable w = writable(req);
        Entry e = w.entry();
        Map<String, Object> md;
        try {
            md = Rdf.check(req.bodyJson());
        } catch (Rdf.Malformed ex) {
            throw EsFace.fail(400, "Error in JSON syntax: " + ex.getMessage());
        }
        String key = e.key();
        // under the entry's write lock, as its bytes are written: the check and the put are one step,
        // and a concurrent file upload cannot be undone by a put of the version read before it
        long now = locks.with(ResourceRoutes.lockName(key), () -> {
            Entry cur = es.entry(e.context(), e.id());
            if (cur == null) throw EsFace.fail(404, "Entry not found");
            LastModified.check(req, cur.modified());
            long t = clock.millis();
            es.put(cur.withMetadata(md, t).changedBy(w.by()));
            return t;
        });
        return LastModified.stamp(Response.empty(204), now);
    }

    static String nextNumericId(List<String> taken) {
        long max = 0;
        for (String t : taken) {
            if (t.matches("\\d{1,18}")) max = Math.max(max, Long.parseLong(t));
        }
        return Long.toString(max + 1);
    }

    private static String lower(String v, String dflt) {
        return v == null || v.isEmpty() ? dflt : v.toLowerCase(Locale.ROOT);
    }
}
