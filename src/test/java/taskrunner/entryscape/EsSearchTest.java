package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /store/search} as entrystore.js calls it (SolrQuery.getQuery: values escaped by
 * its encodeStr, then URL-encoded, terms joined with {@code +AND+}) and as the real
 * EntryStore answers (entrystore-observed.md): EntryStore's envelope, children built as
 * includeAll reads, only what the caller may read, and a 400 for what is not supported.
 */
class EsSearchTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String admin, other;
    static ScapeClient.Catalog cat;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        admin = c.admin();
        cat = c.catalog(admin, "s1", ScapeClient.rows("station,value", "s", 1, 2));
        var identity = fx.server.services().identity();
        var b = identity.createAccount(identity.root().id(), "search-b");
        identity.createUser(b.account().id(), "search-b-admin", "pw-b", true, null, null, null);
        other = c.login("search-b-admin", "pw-b");
        c.catalog(other, "s2", ScapeClient.rows("station,value", "b", 1, 2));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** One term as the library writes it: key:encodeURIComponent(value with ':' '(' ')' escaped). */
    static String term(String key, String value) {
        String escaped = value.replace(":", "\\:").replace("(", "\\(").replace(")", "\\)");
        return key + ":" + URLEncoder.encode(escaped, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String md5(String predicate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(predicate.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    }

    static HttpResponse<String> search(String query, String trail, String token) throws Exception {
        return c.get("/store/search?type=solr&query=" + query + trail, token);
    }

    static Map<String, Object> found(String query, String trail, String token) throws Exception {
        var res = search(query, trail, token);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> children(Map<String, Object> answer) {
        return (List<Map<String, Object>>) ((Map<String, Object>) answer.get("resource")).get("children");
    }

    static List<String> ids(Map<String, Object> answer) {
        return children(answer).stream().map(ch -> ch.get("contextId") + "/" + ch.get("entryId")).toList();
    }

    @Test
    void getEntryByResourceUriFindsTheEntryAsAnIncludeAllRead() throws Exception {
        // EntryStoreUtil.getEntryByResourceURI(uri, context): query.resource([uri]).context(ctx), a list page of 50
        var answer = found("(" + term("resource", cat.fileUri()) + ")+AND+" + term("context", c.base() + "store/s1"), "&limit=50", admin);
        assertEquals(List.of("offset", "limit", "results", "resource", "facetFields"), List.copyOf(answer.keySet()));
        assertEquals(0, answer.get("offset"));
        assertEquals(50, answer.get("limit"));
        assertEquals(1, answer.get("results"));
        assertEquals(List.of(), answer.get("facetFields"));
        var child = children(answer).get(0);
        assertEquals(Set.of("metadata", "rights", "contextId", "relations", "entryId", "info"), child.keySet());
        assertEquals("s1", child.get("contextId"));
        assertEquals("file1", child.get("entryId"));
        var read = ServerFixture.json(c.get("/store/s1/entry/file1?includeAll", admin).body());
        for (String k : List.of("metadata", "rights", "relations", "info")) assertEquals(read.get(k), child.get(k), k);
        assertTrue(((Map<?, ?>) child.get("relations")).containsKey(cat.distUri()), "the distribution points at the file: " + child);
        // the observed query also escapes '/'
        String slashes = "resource:" + URLEncoder.encode(cat.fileUri().replace(":", "\\:").replace("/", "\\/"), StandardCharsets.UTF_8);
        assertEquals(1, found(slashes, "", admin).get("results"));
    }

    @Test
    void typesAndPropertiesFindTheCatalogsParts() throws Exception {
        String ctx = term("context", c.base() + "store/s1");
        var dists = found(term("rdfType", ScapeClient.DCAT + "Distribution") + "+AND+" + ctx, "", admin);
        assertEquals(Set.of("s1/dist", "s1/api"), Set.copyOf(ids(dists)));
        // the API distribution of a file distribution: dcterms:source = the distribution (entryscape.md 2.6)
        var api = found(term("rdfType", ScapeClient.DCAT + "Distribution") + "+AND+"
                + term("metadata.predicate.uri." + md5(ScapeClient.DCT + "source"), cat.distUri()), "", admin);
        assertEquals(List.of("s1/api"), ids(api));
        String title = md5(ScapeClient.DCT + "title");
        assertEquals(List.of("s1/dist"), ids(found("(" + term("metadata.predicate.literal." + title, "qual") + "+AND+"
                + term("metadata.predicate.literal." + title, "ai*") + ")+AND+" + ctx, "", admin)));
        assertEquals(List.of("s1/dist"), ids(found("metadata.predicate.literal_s." + title + ":%22Air%20quality%22+AND+" + ctx, "", admin)));
        assertEquals(List.of("s1/file1"), ids(found("NOT(" + term("rdfType", ScapeClient.DCAT + "Distribution") + ")+AND+"
                + term("title", "first") + "+AND+" + ctx, "", admin)));
        var contexts = found("graphType:Context", "", admin);
        assertTrue(ids(contexts).containsAll(List.of("_contexts/s1", "_contexts/s2")), "the root admin reads every context: " + ids(contexts));
    }

    @Test
    void limitOffsetAndSortPageTheMatches() throws Exception {
        c.json("POST", "/store/_contexts?id=s3&graphtype=context", admin, null);
        for (String t : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            var res = c.json("POST", "/store/s3?id=" + t, admin, Map.of("metadata", Map.of(c.base() + "store/s3/resource/_newId",
                    Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit(t.toUpperCase()))))));
            assertEquals(201, res.statusCode(), res.body());
        }
        String ctx = term("context", c.base() + "store/s3");
        var page = found(ctx, "&limit=2&offset=1&sort=title+asc", admin);
        assertEquals(5, page.get("results"));
        assertEquals(2, page.get("limit"));
        assertEquals(1, page.get("offset"));
        assertEquals(List.of("s3/bravo", "s3/charlie"), ids(page));
        assertEquals(List.of("s3/echo", "s3/delta"), ids(found(ctx, "&limit=2&sort=title.en+desc", admin)));
        var count = found(ctx, "&limit=0", admin);
        assertEquals(5, count.get("results"));
        assertEquals(List.of(), children(count));
        assertEquals(100, found(ctx, "&limit=500", admin).get("limit"), "capped as EntryStore's default maximum");
        assertEquals(50, found(ctx, "&limit=-3&offset=-2", admin).get("limit"));
        assertEquals(List.of(), children(found(ctx, "&offset=99", admin)));
    }

    @Test
    void anotherAccountAndGuestsFindNothingOfTheCatalog() throws Exception {
        String s1 = term("context", c.base() + "store/s1");
        var theirs = found(s1, "", other);
        assertEquals(0, theirs.get("results"));
        var everything = found("*:*", "", other);
        assertFalse(everything.toString().contains("store/s1"), "nothing of s1, not even as a relation: " + everything);
        assertTrue(ids(everything).contains("s2/dist"), "their own catalog: " + ids(everything));
        assertFalse(ids(everything).contains("_principals/_admin"), "nor the root account's users");
        var guest = found("*:*", "", null);
        assertEquals(0, guest.get("results"));
        assertEquals(List.of(), children(guest));
    }

    @Test
    void searchesThisServerCannotAnswerAre400AndTheServerKeepsServing() throws Exception {
        for (String[] bad : new String[][] {
                {"/store/search?query=title:x", "Mandatory parameter 'type' is missing"},
                {"/store/search?type=solr", "Mandatory parameter 'query' is missing"},
                {"/store/search?type=sparql&query=title:x", "type=solr"},
                {"/store/search?type=solr&query=ab", "Query too short"},
                {"/store/search?type=solr&query=title:%5Ba%20TO%20b%5D", "Range queries"},
                {"/store/search?type=solr&query=nosuch:x", "Unsupported search field"},
                {"/store/search?type=solr&query=bus", "needs a field"},
                {"/store/search?type=solr&query=title:%E2%98%83%22", "not closed"},
                {"/store/search?type=solr&query=title:x&limit=many", "limit must be a whole number"},
                {"/store/search?type=solr&query=title:x&sort=popularity+desc", "Unsupported sort field"}}) {
            var res = c.get(bad[0], admin);
            assertEquals(400, res.statusCode(), bad[0] + ": " + res.body());
            String error = (String) ServerFixture.json(res.body()).get("error");
            assertTrue(error.contains(bad[1]), bad[0] + ": " + error);
        }
        assertEquals(1, found(term("resource", cat.distUri()), "", admin).get("results"));
    }
}
