package taskrunner.entryscape.entrystore;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.auth.Principal;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.Rdf;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * EntryStore's context, entry and metadata routes: create a context (admins), create,
 * read and delete entries, read and replace their RDF/JSON metadata. Files are in
 * {@link ResourceRoutes}.
 */
public final class EntryRoutes {
    private static final Set<String> ENTRY_TYPES = Set.of("local", "link", "reference", "linkreference");
    private static final Set<String> GRAPH_TYPES = Set.of("none", "list", "resultlist", "context", "systemcontext",
            "user", "group", "string", "graph", "pipeline", "pipelineresult");

    private final EntryStore es;
    private final EsAuth auth;
    private final Clock clock;

    public EntryRoutes(EntryStore es, EsAuth auth, Clock clock) {
        this.es = es;
        this.auth = auth;
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

    /** The triples in the context's other entries that point at this entry's resource (e.g. file → distribution). */
    @SuppressWarnings("unchecked")
    private Response relations(Request req) {
        Entry target = readableEntry(req);
        String uri = es.resourceUri(target);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : es.entries(target.context())) {
            if (e.id().equals(target.id())) continue;
            for (var s : e.metadata().entrySet()) {
                for (var p : ((Map<String, Object>) s.getValue()).entrySet()) {
                    for (Object o : (List<Object>) p.getValue()) {
                        var obj = (Map<String, Object>) o;
                        if ("uri".equals(obj.get("type")) && es.canonical((String) obj.get("value")).equals(uri)) {
                            out = Rdf.add(out, s.getKey(), p.getKey(), obj);
                        }
                    }
                }
            }
        }
        return Response.json(200, out);
    }

    /** The context, if the caller may read it: 404 unknown, 401 guest, 403 another account's. */
    Context readable(Request req, String ctxId, Principal p) {
        Context c = es.context(ctxId);
        if (c == null) throw EsFace.fail(404, "The requested context ID does not exist");
        if (p == null) throw EsFace.fail(401, "Not authorized");
        if (!es.mayRead(p, c)) throw EsFace.fail(403, "Not authorized");
        return c;
    }

    private Response createContext(Request req) throws Exception {
        Principal p = auth.required(req);
        if (!p.admin()) throw EsFace.fail(403, "Not authorized: only administrators create contexts");
        String gt = req.query("graphtype");
        if (gt != null && !gt.equalsIgnoreCase("context")) throw EsFace.fail(400, "Entries in _contexts have graphtype context");
        synchronized (this) {
            String id = req.query("id");
            if (id == null || id.isEmpty()) id = nextNumericId(es.store().all(Context.KIND).stream().map(Context::id).toList());
            if (!EntryStore.validContextId(id)) throw EsFace.fail(400, "Invalid context id: " + id);
            String location = es.storeUri() + "_contexts/entry/" + id;
            if (es.context(id) != null) {
                throw new taskrunner.http.HttpError(Response.json(409, Map.of("error", "Entry with provided ID already exists"))
                        .header("Location", location));
            }
            es.putContext(new Context(id, p.account().id(), p.user() == null ? null : p.user().id(), clock.millis()));
            return Response.json(201, Map.of("entryId", id)).header("Location", location);
        }
    }

    private Response getContext(Request req) {
        Context c = readable(req, req.param("ctx"), auth.optional(req));
        var info = new LinkedHashMap<String, Object>();
        String self = es.storeUri() + "_contexts/entry/" + c.id();
        info.put(self, Map.of(Rdf.ES + "resource", List.of(Rdf.uri(es.contextUri(c.id()))),
                Rdf.RDF_TYPE, List.of(Rdf.uri(Rdf.ES + "Context")),
                Rdf.DCT + "created", List.of(Rdf.typed(iso(c.created()), Rdf.XSD_DATETIME))));
        return Response.json(200, Map.of("entryId", c.id(), "info", info));
    }

    private Response listContext(Request req) {
        Context c = readable(req, req.param("ctx"), auth.optional(req));
        return Response.json(200, es.entries(c.id()).stream().map(Entry::id).toList());
    }

    private Response createEntry(Request req) throws Exception {
        Principal p = auth.required(req);
        Context c = es.context(req.param("ctx"));
        if (c == null) throw EsFace.fail(404, "The requested context ID does not exist");
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
        synchronized (this) {
            String id = req.query("id");
            if (id == null || id.isEmpty()) id = nextNumericId(es.entries(c.id()).stream().map(Entry::id).toList());
            if (!EntryStore.ID.matcher(id).matches()) throw EsFace.fail(400, "Invalid entry id: " + id);
            String location = es.entryUri(c.id(), id);
            if (es.entry(c.id(), id) != null) {
                throw new taskrunner.http.HttpError(Response.json(409, Map.of("error", "Entry with provided ID already exists"))
                        .header("Location", location));
            }
            Map<String, Object> md = metadataOf(body.replace("_newId", id));
            Map<String, Object> graph = et.equals("local") && GraphResource.holds(gt) ? graphOf(body.replace("_newId", id)) : null;
            long now = clock.millis();
            es.put(new Entry(c.id(), id, et, gt, infoResource, et.equals("local") ? null : resource, md,
                    null, null, null, 0, null, now, now, p.user() == null ? null : p.user().id(), null).withGraph(graph, now));
            return Response.json(201, Map.of("entryId", id)).header("Location", location);
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

    Entry writableEntry(Request req) {
        Principal p = auth.required(req);
        Context c = es.context(req.param("ctx"));
        if (c == null) throw EsFace.fail(404, "The requested context ID does not exist");
        if (!es.mayWrite(p, c)) throw EsFace.fail(403, "Not authorized");
        Entry e = es.entry(c.id(), req.param("id"));
        if (e == null) throw EsFace.fail(404, "Entry not found");
        return e;
    }

    private Response getEntry(Request req) {
        Entry e = readableEntry(req);
        var m = new LinkedHashMap<String, Object>();
        m.put("entryId", e.id());
        m.put("info", info(e));
        if (req.query("includeAll") != null) {
            m.put("metadata", e.metadata());
            m.put("rights", List.of("administer", "writemetadata", "writeresource", "readmetadata", "readresource"));
            if (GraphResource.holds(e) && e.graph() != null) m.put("resource", e.graph()); // entrystore.js builds a Pipeline from it
        }
        return Response.json(200, m);
    }

    /** The entry graph: where its resource and metadata are, what kind it is, and the file facts. */
    private Map<String, Object> info(Entry e) {
        String self = es.entryUri(e.context(), e.id());
        String res = es.resourceUri(e);
        var po = new LinkedHashMap<String, Object>();
        po.put(Rdf.ES + "resource", List.of(Rdf.uri(res)));
        po.put(Rdf.ES + "metadata", List.of(Rdf.uri(es.metadataUri(e.context(), e.id()))));
        var types = new ArrayList<Object>();
        types.add(Rdf.uri(Rdf.ES + switch (e.entryType()) {
            case "link" -> "Link";
            case "reference" -> "Reference";
            case "linkreference" -> "LinkReference";
            default -> "Local";
        }));
        types.add(Rdf.uri(Rdf.ES + (e.infoResource() ? "InformationResource" : "NamedResource")));
        po.put(Rdf.RDF_TYPE, types);
        po.put(Rdf.DCT + "created", List.of(Rdf.typed(iso(e.created()), Rdf.XSD_DATETIME)));
        po.put(Rdf.DCT + "modified", List.of(Rdf.typed(iso(e.modified()), Rdf.XSD_DATETIME)));
        if (e.externalMetadata() != null) po.put(Rdf.ES + "externalMetadata", List.of(Rdf.uri(e.externalMetadata())));
        if (e.origin() != null) { // what a pipeline made it from (reference §2.4)
            po.put(Rdf.ES + "pipeline", List.of(Rdf.uri(e.origin().pipeline())));
            po.put(Rdf.ES + "pipelineData", e.origin().data().stream().map(Rdf::uri).toList());
        }
        var g = new LinkedHashMap<String, Object>();
        g.put(self, po);
        // entrystore.js reads the graph type from the resource URI
        if (e.graphType().equals("pipeline")) g.put(res, Map.of(Rdf.RDF_TYPE, List.of(Rdf.uri(Rdf.ES + "Pipeline"))));
        if (e.graphType().equals("pipelineresult")) g.put(res, Map.of(Rdf.RDF_TYPE, List.of(Rdf.uri(Rdf.ES + "PipelineResult"))));
        if (e.blob() != null) {
            var file = new LinkedHashMap<String, Object>();
            file.put(Rdf.FORMAT, List.of(Rdf.literal(e.mimetype())));
            file.put(Rdf.DCT + "extent", List.of(Rdf.typed(Long.toString(e.size()), Rdf.XSD_LONG)));
            if (e.filename() != null) file.put(Rdf.RDFS_LABEL, List.of(Rdf.literal(e.filename())));
            g.put(res, file);
        }
        return g;
    }

    private Response deleteEntry(Request req) throws Exception {
        es.delete(writableEntry(req));
        return Response.empty(204);
    }

    private Response getMetadata(Request req) {
        Entry e = readableEntry(req);
        String format = req.query("format");
        if (format != null && !format.equals("application/json") && !format.equals("application/rdf+json")) {
            throw EsFace.fail(406, "Unknown requested format: only application/json (RDF/JSON) is served");
        }
        return Response.json(200, e.metadata()).header("Last-Modified", http(e.modified()));
    }

    private Response putMetadata(Request req) throws Exception {
        Entry e = writableEntry(req);
        Map<String, Object> md;
        try {
            md = Rdf.check(req.bodyJson());
        } catch (Rdf.Malformed ex) {
            throw EsFace.fail(400, "Error in JSON syntax: " + ex.getMessage());
        }
        es.put(e.withMetadata(md, clock.millis()));
        return Response.empty(204);
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

    static String iso(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    static String http(long ms) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
    }
}
