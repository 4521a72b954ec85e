package taskrunner.entryscape.entrystore.search;

import org.junit.jupiter.api.Test;
import taskrunner.entryscape.entrystore.EntryDoc;
import taskrunner.entryscape.entrystore.EntryInfo;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Solr query forms entrystore.js writes (SolrQuery.js: its escaping of ':' and
 * parentheses, '+AND+' and '+OR+' joins, NOT(...), ngram terms with a '*' for short words,
 * quoted exact values with spaces), parsed and matched against entries built here, and
 * the forms refused rather than answered differently from Solr.
 */
class QueryParserTest {
    static final String DCT = "http://purl.org/dc/terms/";
    static final String DCAT = "http://www.w3.org/ns/dcat#";
    static final String RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    static final String BASE = "http://h:8080/store/";
    static final Matcher MATCHER = new Matcher(UnaryOperator.identity());

    static Map<String, Object> uri(String v) {
        return Map.of("type", "uri", "value", v);
    }

    static Map<String, Object> lit(String v) {
        return Map.of("type", "literal", "value", v);
    }

    /** An entry in context {@code ctx} with this metadata about its resource. */
    static EntryDoc doc(String ctx, String id, Map<String, Object> about) {
        String res = BASE + ctx + "/resource/" + id;
        var info = new EntryInfo(BASE + ctx + "/entry/" + id, res, "None", "Local", "NamedResource", 1000, 2000, null,
                List.of(), null, null, null, null, null);
        return new EntryDoc(ctx, id, BASE + ctx, info, Map.of(res, about), res, Map.of(), EntryDoc.ALL_RIGHTS, null);
    }

    static final EntryDoc DIST = doc("1", "2", Map.of(RDF_TYPE, List.of(uri(DCAT + "Distribution")),
            DCAT + "downloadURL", List.of(uri(BASE + "1/resource/3")),
            DCT + "title", List.of(lit("Air Quality Stations")),
            DCT + "format", List.of(lit("text/csv"))));
    static final EntryDoc DATASET = doc("1", "4", Map.of(RDF_TYPE, List.of(uri(DCAT + "Dataset")),
            DCT + "title", List.of(lit("Bus stops of the city"))));

    /** What the library's encodeStr does to a value before URL-encoding it (the server sees it decoded). */
    static String escaped(String value) {
        return value.replace(":", "\\:").replace("(", "\\(").replace(")", "\\)");
    }

    static boolean matches(String query, EntryDoc d) throws Exception {
        return MATCHER.matches(QueryParser.parse(query), d);
    }

    static String badQuery(String query) {
        return assertThrows(QueryParser.BadQuery.class, () -> QueryParser.parse(query), query).getMessage();
    }

    @Test
    void getEntryByResourceUriFindsTheEntryInItsContext() throws Exception {
        // EntryStoreUtil.loadEntriesByResourceURIs: query.resource([uri]).context(ctx)
        String q = "(resource:" + escaped(BASE + "1/resource/2") + ") AND context:" + escaped(BASE + "1");
        assertTrue(matches(q, DIST));
        assertFalse(matches(q, DATASET));
        assertFalse(matches("(resource:" + escaped(BASE + "1/resource/2") + ") AND context:" + escaped(BASE + "9"), DIST));
        // the observed query escapes '/' too
        assertTrue(matches("resource:" + BASE.replace(":", "\\:").replace("/", "\\/") + "1\\/resource\\/2", DIST));
    }

    @Test
    void rdfTypesPropertiesAndTheirHashesMatch() throws Exception {
        // md5 of the predicate IRI, first 8 hex digits (as blueimp-md5 in the library computes it)
        assertEquals("bbec72e1", Field.hash(DCAT + "downloadURL"));
        assertEquals("3f2ae919", Field.hash(DCT + "title"));
        String download = Field.hash(DCAT + "downloadURL");
        assertTrue(matches("rdfType:" + escaped(DCAT + "Distribution"), DIST));
        assertTrue(matches("metadata.predicate.uri." + download + ":" + escaped(BASE + "1/resource/3"), DIST));
        assertFalse(matches("metadata.predicate.uri." + download + ":" + escaped(BASE + "1/resource/4"), DIST));
        assertTrue(matches("rdfType:" + escaped("http://entrystore.org/terms/NamedResource"), DIST), "the info graph's types count");
        String title = Field.hash(DCT + "title");
        assertTrue(matches("metadata.predicate.literal_s." + title + ":\"Air Quality Stations\"", DIST));
        assertFalse(matches("metadata.predicate.literal_s." + title + ":\"air quality stations\"", DIST), "exact: case counts");
    }

    @Test
    void literalFormsMatchAsTheirSolrFieldTypes() throws Exception {
        String title = Field.hash(DCT + "title");
        // ngram: a part of the value, any case; short words get a '*' from the library
        assertTrue(matches("(metadata.predicate.literal." + title + ":qual AND metadata.predicate.literal." + title + ":STAT)", DIST));
        assertTrue(matches("metadata.predicate.literal." + title + ":ai*", DIST));
        assertFalse(matches("metadata.predicate.literal." + title + ":buses", DIST));
        // text: whole words, any case
        assertTrue(matches("metadata.predicate.literal_t." + title + ":quality", DIST));
        assertFalse(matches("metadata.predicate.literal_t." + title + ":qual", DIST));
        assertTrue(matches("metadata.predicate.literal_t." + title + ":qual*", DIST));
        assertTrue(matches("metadata.predicate.literal_t." + title + ":\"quality stations\"", DIST));
        assertFalse(matches("metadata.predicate.literal_t." + title + ":\"stations quality\"", DIST));
        // title: the ngram field of names and titles
        assertTrue(matches("title:bus", DATASET));
        assertTrue(matches("metadata.object.literal:city", DATASET));
    }

    @Test
    void andOrNotAndParenthesesAreBooleanLogic() throws Exception {
        String dist = "rdfType:" + escaped(DCAT + "Distribution");
        String set = "rdfType:" + escaped(DCAT + "Dataset");
        assertTrue(matches("(" + dist + " OR " + set + ")", DATASET));
        assertFalse(matches(dist + " AND " + set, DATASET));
        assertTrue(matches("NOT(" + dist + ")", DATASET));
        assertFalse(matches("NOT(" + dist + ")", DIST));
        assertTrue(matches(set + " AND NOT(" + dist + ")", DATASET));
        assertTrue(matches(set + " && -" + dist, DATASET));
        assertTrue(matches("(" + dist + " OR " + set + ") AND title:bus", DATASET));
        assertFalse(matches("(" + dist + " OR " + set + ") AND title:bus", DIST));
        assertTrue(matches("*:*", DIST));
        assertTrue(matches("title:*", DIST));
        assertFalse(matches("metadata.predicate.uri." + Field.hash(DCAT + "downloadURL") + ":*", DATASET));
        assertTrue(matches("title:bus^2 AND (" + set + ")^3", DATASET), "boosts are ignored");
    }

    @Test
    void formsSolrReadsDifferentlyOrThatAreNotImplementedAreRefused() {
        assertTrue(badQuery("bus").contains("needs a field"));
        assertTrue(badQuery("title:bus title:stop").contains("AND or OR"));
        assertTrue(badQuery("title:a AND title:b OR title:c").contains("mixed"));
        assertTrue(badQuery("title:a OR NOT title:b").contains("AND NOT"));
        assertTrue(badQuery("nosuchfield:x").contains("Unsupported search field"));
        assertTrue(badQuery("metadata.predicate.integer.bbec72e1:[0 TO 5]").contains("Unsupported search field"));
        assertTrue(badQuery("title:[a TO b]").contains("Range"));
        assertTrue(badQuery("title:b?s").contains("wildcard"));
        assertTrue(badQuery("title:b*s").contains("end of a value"));
        assertTrue(badQuery("title:bus~2").contains("Fuzzy"));
        assertTrue(badQuery("resource:http://x/y").contains("Escape ':'"));
        assertTrue(badQuery("title:/bu.*/").contains("Regular expressions"));
        assertTrue(badQuery("title:(a OR b)").contains("groups"));
        assertTrue(badQuery("(title:a").contains("Unbalanced"));
        assertTrue(badQuery("title:a)").contains("Unbalanced"));
        assertTrue(badQuery("title:\"open").contains("not closed"));
        assertTrue(badQuery("title:a AND").contains("ends"));
        assertTrue(badQuery("title:a\\").contains("backslash"));
        assertTrue(badQuery("()").contains("Empty"));
        assertTrue(badQuery("(".repeat(40) + "title:a" + ")".repeat(40)).contains("deeper"));
        assertTrue(badQuery("NOT ".repeat(40) + "title:a").contains("deeper"));
        assertTrue(badQuery("   ").contains("empty"));
    }

    @Test
    void sortsByWhatTheLibrarySendsAndRefusesOtherFields() throws Exception {
        var docs = new java.util.ArrayList<>(List.of(DIST, DATASET));
        docs.sort(SearchOrder.parse("title asc"));
        assertEquals(List.of(DIST, DATASET), docs);
        docs.sort(SearchOrder.parse("title.en desc,modified desc"));
        assertEquals(List.of(DATASET, DIST), docs);
        docs.sort(SearchOrder.parse("score asc"));
        assertEquals(List.of(DIST, DATASET), docs, "score is ignored: ties end in entry URI order");
        assertThrows(QueryParser.BadQuery.class, () -> SearchOrder.parse("popularity desc"));
        assertThrows(QueryParser.BadQuery.class, () -> SearchOrder.parse("title sideways"));
    }
}
