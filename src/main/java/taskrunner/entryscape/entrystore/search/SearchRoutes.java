package taskrunner.entryscape.entrystore.search;

import taskrunner.auth.Principal;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.entrystore.EntryDoc;
import taskrunner.entryscape.entrystore.EntryDocs;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /store/search?type=solr&query=...&limit=&offset=&sort=&filterQuery=}: the
 * entries, contexts and users the caller may read ({@link EntryDocs#readable}; a guest
 * reads none) that match the query ({@link QueryParser}, {@link Matcher}), in
 * {@link SearchOrder}, one page of them. The answer is EntryStore's
 * {@code {"offset","limit","results","resource":{"children":[...]},"facetFields":[]}}, each child
 * an includeAll read ({@link EntryDoc#searchChild}), {@code results} the number of matches.
 * {@code limit} defaults to 50 and is capped at 100 (EntryStore's defaults; a negative one is
 * the default, 0 only counts); a negative {@code offset} is 0.
 *
 * <p>Facets ({@code facetFields} and its settings) are not computed: the answer's
 * {@code facetFields} is always empty. A query this server cannot answer exactly, a
 * {@code type} other than {@code solr}, syndication, or a parameter that is not a number is
 * 400 in EntryStore's envelope.
 */
public final class SearchRoutes {
    static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 100;

    private final EntryDocs docs;
    private final EntryStore es;
    private final EsAuth auth;

    public SearchRoutes(EntryDocs docs, EntryStore es, EsAuth auth) {
        this.docs = docs;
        this.es = es;
        this.auth = auth;
    }

    /** Before {@link taskrunner.entryscape.entrystore.EntryRoutes}, whose {@code /store/{ctx}} would take the path. */
    public void install(Router r) {
        r.route("GET", "/store/search", EsFace.INSTANCE, this::search);
    }

    private Response search(Request req) {
        String type = req.query("type");
        if (type == null) throw EsFace.fail(400, "Mandatory parameter 'type' is missing");
        if (!type.equalsIgnoreCase("solr")) throw EsFace.fail(400, "Only type=solr searches are supported, not " + type);
        String query = req.query("query");
        if (query == null) throw EsFace.fail(400, "Mandatory parameter 'query' is missing");
        if (query.length() < 3) throw EsFace.fail(400, "Query too short");
        if (req.query("syndication") != null) throw EsFace.fail(400, "Syndication feeds are not supported");
        String rdfFormat = req.query("rdfFormat");
        if (rdfFormat != null && !rdfFormat.equals("application/json")) {
            throw EsFace.fail(400, "Only RDF/JSON (rdfFormat=application/json) is served");
        }
        int limit = number(req, "limit", DEFAULT_LIMIT);
        if (limit < 0) limit = DEFAULT_LIMIT;
        limit = Math.min(limit, MAX_LIMIT);
        int offset = Math.max(0, number(req, "offset", 0));

        SearchQuery q;
        Comparator<EntryDoc> order;
        try {
            q = QueryParser.parse(query);
            String fq = req.query("filterQuery");
            if (fq != null) { // EntryStore splits on commas, then decodes each part once more
                var all = new ArrayList<SearchQuery>(List.of(q));
                for (String part : fq.split(",")) all.add(QueryParser.parse(URLDecoder.decode(part, StandardCharsets.UTF_8)));
                q = new SearchQuery.And(all);
            }
            order = SearchOrder.parse(req.query("sort"));
        } catch (QueryParser.BadQuery | IllegalArgumentException e) {
            throw EsFace.fail(400, "Unsupported search: " + e.getMessage());
        }

        Principal p = auth.optional(req);
        var matcher = new Matcher(es::canonical);
        var matched = new ArrayList<EntryDoc>();
        for (EntryDoc d : docs.readable(p)) if (matcher.matches(q, d)) matched.add(d);
        matched.sort(order);
        List<EntryDoc> page = matched.subList(Math.min(offset, matched.size()), Math.min(offset + limit, matched.size()));

        var relations = es.relations(page.stream().map(EntryDoc::resourceUri).toList(), p);
        var children = page.stream().map(d -> d.searchChild(relations.get(d.resourceUri()))).toList();
        var m = new LinkedHashMap<String, Object>();
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("results", matched.size());
        m.put("resource", Map.of("children", children));
        m.put("facetFields", List.of());
        return Response.json(200, m);
    }

    private static int number(Request req, String name, int dflt) {
        String v = req.query(name);
        if (v == null || v.isEmpty()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw EsFace.fail(400, name + " must be a whole number: " + v);
        }
    }
}
