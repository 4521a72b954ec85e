package taskrunner.entryscape.rowstore;

import taskrunner.auth.Principal;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

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
 * RowStore's REST routes under {@code /rowstore/}: datasets, queries, info and aliases.
 * Reads are public, as RowStore's are; writes need an {@code auth_token} cookie whose
 * account may act on the dataset's owner (RowStore itself relies on a proxy for this).
 */
public final class RowStoreRoutes {
    private static final Set<String> RESERVED = Set.of("_limit", "_offset", "_sort", "_callback");
    private static final int MAX_LIMIT = 100;
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ").withZone(ZoneOffset.UTC);

    private final RowStore rows;
    private final EsAuth auth;

    public RowStoreRoutes(RowStore rows, EsAuth auth) {
        this.rows = rows;
        this.auth = auth;
    }

    public void install(Router r, long maxUpload) {
        var f = EsFace.INSTANCE;
        r.route("GET", "/rowstore/status", f, req -> Response.json(200, Map.of("service", "RowStore",
                "version", "taskrunner", "datasets", rows.all().size(), "activeEtlProcesses", 0)));
        r.route("GET", "/rowstore/datasets", f, req -> {
            var ids = new ArrayList<String>();
            for (Dataset d : rows.all()) ids.add(d.id());
            ids.sort(null);
            return Response.json(200, ids);
        });
        r.route("POST", "/rowstore/datasets", f, maxUpload, this::create);
        r.route("GET", "/rowstore/dataset/{id}", f, this::query);
        r.route("GET", "/rowstore/dataset/{id}/json", f, this::query);
        r.route("PUT", "/rowstore/dataset/{id}", f, maxUpload, req -> load(req, false));
        r.route("POST", "/rowstore/dataset/{id}", f, maxUpload, req -> load(req, true));
        r.route("DELETE", "/rowstore/dataset/{id}", f, this::delete);
        r.route("GET", "/rowstore/dataset/{id}/info", f, req -> Response.json(200, info(find(req))));
        r.route("GET", "/rowstore/dataset/{id}/swagger", f, req -> {
            Dataset d = find(req);
            return Response.json(200, DatasetSwagger.of(d, rows.url(d), MAX_LIMIT));
        });
        r.route("GET", "/rowstore/dataset/{id}/aliases", f, req -> Response.json(200, find(req).aliases()));
        r.route("PUT", "/rowstore/dataset/{id}/aliases", f, req -> aliases(req, false));
        r.route("POST", "/rowstore/dataset/{id}/aliases", f, req -> aliases(req, true));
        r.route("DELETE", "/rowstore/dataset/{id}/aliases", f, req -> {
            Dataset d = writable(req);
            rows.aliases(d.id(), List.of(), false);
            return Response.empty(204);
        });
    }

    private Dataset find(Request req) {
        Dataset d = rows.get(req.param("id"));
        if (d == null) throw EsFace.fail(404, "Dataset not found");
        return d;
    }

    private Dataset writable(Request req) {
        Principal p = auth.required(req);
        Dataset d = find(req);
        if (!rows.mayWrite(p, d)) throw EsFace.fail(403, "Not authorized");
        return d;
    }

    private Map<String, Object> accepted(Dataset d) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", d.id());
        m.put("url", rows.url(d));
        m.put("status", d.status());
        m.put("info", rows.url(d) + "/info");
        return m;
    }

    private Response create(Request req) throws Exception {
        Principal p = auth.required(req);
        try {
            Dataset d = rows.create(req.body(), p.account().id());
            return Response.json(202, accepted(d)).header("Location", rows.url(d));
        } catch (DatasetError e) {
            throw EsFace.fail(400, e.getMessage());
        }
    }

    private Response load(Request req, boolean append) throws Exception {
        Dataset d = writable(req);
        try {
            return Response.json(202, accepted(rows.load(d.id(), req.body(), append)));
        } catch (DatasetError e) {
            throw EsFace.fail(400, e.getMessage());
        }
    }

    private Response delete(Request req) throws Exception {
        Dataset d = writable(req);
        if (d.status() != 3 && d.status() != 4) throw EsFace.fail(423, "The dataset is being loaded");
        rows.delete(d.id());
        return Response.empty(204);
    }

    private Response aliases(Request req, boolean add) throws Exception {
        Dataset d = writable(req);
        if (!(req.bodyJson() instanceof List<?> list) || !list.stream().allMatch(x -> x instanceof String)) {
            throw EsFace.fail(400, "The body must be a JSON array of alias strings");
        }
        var names = new ArrayList<String>();
        for (Object o : list) names.add((String) o);
        try {
            rows.aliases(d.id(), names, add);
        } catch (DatasetError e) {
            throw EsFace.fail(400, e.getMessage());
        }
        return Response.empty(204);
    }

    private Map<String, Object> info(Dataset d) {
        var m = new LinkedHashMap<String, Object>();
        m.put("status", d.status());
        m.put("created", CREATED.format(Instant.ofEpochMilli(d.created())));
        m.put("columnnames", d.columns());
        m.put("rowcount", d.rowCount());
        m.put("identifier", d.id());
        m.put("aliases", d.aliases());
        m.put("@context", "https://entrystore.org/rowstore/");
        m.put("@id", rows.url(d));
        return m;
    }

    private Response query(Request req) throws Exception {
        long t0 = System.nanoTime();
        Dataset d = find(req);
        if (d.status() == 0) throw EsFace.fail(424, "The dataset has no data yet");
        int limit = MAX_LIMIT;
        long offset = 0;
        if (req.query("_limit") != null) {
            long l = number(req.query("_limit"), "_limit");
            if (l >= 1 && l <= MAX_LIMIT) limit = (int) l; // RowStore: out of range falls back to the default
        }
        if (req.query("_offset") != null) offset = Math.max(0, number(req.query("_offset"), "_offset"));
        var filters = new LinkedHashMap<String, String>();
        var passOn = new StringBuilder();
        for (var e : req.queryMap().entrySet()) {
            if (RESERVED.contains(e.getKey())) continue;
            String col = e.getKey().toLowerCase(Locale.ROOT);
            if (!d.columns().contains(col)) throw EsFace.fail(400, "Unknown column: " + e.getKey());
            String v = e.getValue().isEmpty() ? "" : e.getValue().get(0);
            filters.put(col, v);
            passOn.append('&').append(enc(e.getKey())).append('=').append(enc(v));
        }
        var page = rows.query(d.id(), filters, offset, limit);
        var m = new LinkedHashMap<String, Object>();
        m.put("results", page.rows());
        m.put("limit", limit);
        m.put("offset", offset);
        m.put("resultCount", page.resultCount());
        m.put("queryTime", (System.nanoTime() - t0) / 1_000_000);
        String self = rows.url(d) + "/json?";
        // RowStore links "next" when resultCount >= offset+limit (an empty last page); only a real one here.
        if (page.resultCount() > offset + limit) m.put("next", self + "_offset=" + (offset + limit) + "&_limit=" + limit + passOn);
        if (offset - limit >= 0) m.put("prev", self + "_offset=" + (offset - limit) + "&_limit=" + limit + passOn);
        String cb = req.query("_callback");
        Response res = Response.json(200, m);
        if (cb != null) {
            if (!cb.matches("[A-Za-z_$][A-Za-z0-9_$.]{0,63}")) throw EsFace.fail(400, "Bad _callback name");
            res = Response.text(200, "application/javascript", cb + "(" + new String(res.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8) + ")");
        }
        return res;
    }

    private static long number(String v, String name) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw EsFace.fail(400, name + " must be an integer");
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
