package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entry JSON entrystore.js reads, as the real EntryStore writes it
 * (entrystore-observed.md): the info graph with the graph and resource types on the resource
 * URI, the entry's own facts on the entry URI, includeAll's relations and resource, and the
 * entry's date on every read and write, with the If-Unmodified-Since check on writes.
 */
class EsEntryInfoTest {
    static final String ES = "http://entrystore.org/terms/";
    static final String XSD_LONG = "http://www.w3.org/2001/XMLSchema#long";
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        admin = c.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** As entrystore.js reads an entry: includeAll with its list parameters, JSON accepted. */
    static HttpResponse<String> read(String path, String token) throws Exception {
        var b = c.request(path + "?includeAll&limit=50&sort=title&prio=List").header("Accept", "application/json").GET();
        if (token != null) b.header("Cookie", "auth_token=" + token);
        return c.send(b);
    }

    static Map<String, Object> entry(String path, String token) throws Exception {
        var res = read(path, token);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> subject(Map<String, Object> entry, String uri) {
        return (Map<String, Object>) ((Map<String, Object>) entry.get("info")).get(uri);
    }

    @SuppressWarnings("unchecked")
    static List<Object> objects(Map<String, Object> po, String predicate) {
        return po == null ? null : (List<Object>) po.get(predicate);
    }

    static String store() {
        return c.base() + "store/";
    }

    static void context(String id) throws Exception {
        var res = c.json("POST", "/store/_contexts?id=" + id + "&graphtype=context", admin,
                Map.of("info", Map.of(store() + id, Map.of(ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ES + "Context"))))));
        assertEquals(201, res.statusCode(), res.body());
    }

    @Test
    void aContextsGraphTypeIsOnItsResourceUri() throws Exception {
        var res = c.json("POST", "/store/_contexts?id=ic1&graphtype=context", admin,
                Map.of("info", Map.of(store() + "ic1", Map.of(ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ES + "Context"))))));
        assertEquals(201, res.statusCode(), res.body());
        assertDated(res);
        var e = entry("/store/_contexts/entry/ic1", admin);
        assertEquals(List.of(ScapeClient.uri(ES + "Context")), objects(subject(e, store() + "ic1"), ScapeClient.RDF_TYPE));
        var self = subject(e, store() + "_contexts/entry/ic1");
        assertEquals(List.of(ScapeClient.uri(store() + "ic1")), objects(self, ES + "resource"));
        assertNull(objects(self, ScapeClient.RDF_TYPE), "a local entry has no entry type: " + self);
        assertEquals(Map.of(), e.get("metadata"));
        assertEquals(Map.of(), e.get("resource"));
        assertEquals(Map.of(), e.get("relations"));
        assertTrue(((List<?>) e.get("rights")).contains("administer"), e.toString());
        assertDated(read("/store/_contexts/entry/ic1", admin));
    }

    @Test
    void aNamedEntryIsANamedResourceOnItsResourceUriAndNamesItsCreator() throws Exception {
        context("ic2");
        var res = c.json("POST", "/store/ic2?informationresource=false", admin, Map.of(
                "metadata", Map.of(store() + "ic2/resource/_newId", Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit("D")))),
                "info", Map.of(store() + "ic2/resource/_newId", Map.of(ScapeClient.RDF_TYPE, List.of(ScapeClient.uri(ES + "NamedResource"))))));
        assertEquals(201, res.statusCode(), res.body());
        String id = (String) ServerFixture.json(res.body()).get("entryId");
        var e = entry("/store/ic2/entry/" + id, admin);
        String entryUri = store() + "ic2/entry/" + id;
        assertEquals(List.of(ScapeClient.uri(ES + "NamedResource")), objects(subject(e, store() + "ic2/resource/" + id), ScapeClient.RDF_TYPE));
        var self = subject(e, entryUri);
        assertNull(objects(self, ScapeClient.RDF_TYPE), self.toString());
        assertEquals(List.of(ScapeClient.uri(store() + "ic2/resource/" + id)), objects(self, ES + "resource"));
        assertEquals(List.of(ScapeClient.uri(store() + "ic2/metadata/" + id)), objects(self, ES + "metadata"));
        assertEquals(List.of(ScapeClient.uri(store() + "ic2/relations/" + id)), objects(self, ES + "relation"));
        assertEquals(List.of(ScapeClient.uri(store() + "_principals/resource/_admin")), objects(self, ScapeClient.DCT + "creator"));
        assertTrue(objects(self, ScapeClient.DCT + "created") != null && objects(self, ScapeClient.DCT + "modified") != null, self.toString());
        assertEquals(Map.of(), e.get("resource"), "a named resource has no file");
    }

    @Test
    void aFileEntryHasNoTypeButItsFormatExtentAndDigest() throws Exception {
        context("ic3");
        assertEquals(201, c.json("POST", "/store/ic3?id=f", admin, Map.of("metadata", Map.of())).statusCode());
        byte[] bytes = "station,value\na1,10\n".getBytes(StandardCharsets.UTF_8);
        var put = c.send(c.request("/store/ic3/resource/f").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "text/csv").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertEquals(201, put.statusCode());
        assertEquals("", put.body());
        var e = entry("/store/ic3/entry/f", admin);
        var res = subject(e, store() + "ic3/resource/f");
        assertNull(objects(res, ScapeClient.RDF_TYPE), "an information resource of graph type none is typed by nothing: " + res);
        assertEquals(List.of(ScapeClient.lit("text/csv")), objects(res, ScapeClient.DCT + "format"));
        assertEquals(List.of(Map.of("type", "literal", "value", Integer.toString(bytes.length), "datatype", XSD_LONG)),
                objects(res, ScapeClient.DCT + "extent"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(Map.of("sha256", sha), e.get("resource"));
    }

    @Test
    void aLinkNamesItsEntryTypeOnTheEntryUriAndHasNoLocalResource() throws Exception {
        context("ic4");
        var res = c.json("POST", "/store/ic4?id=l&entrytype=link&resource=" + ScapeClient.enc("http://example.org/thing"), admin,
                Map.of("metadata", Map.of()));
        assertEquals(201, res.statusCode(), res.body());
        var e = entry("/store/ic4/entry/l", admin);
        var self = subject(e, store() + "ic4/entry/l");
        assertEquals(List.of(ScapeClient.uri(ES + "Link")), objects(self, ScapeClient.RDF_TYPE));
        assertEquals(List.of(ScapeClient.uri("http://example.org/thing")), objects(self, ES + "resource"));
        assertFalse(e.containsKey("resource"), e.toString());
    }

    @Test
    void relationsAreTheTriplesOfEntriesTheReaderMayReadThatPointAtTheEntry() throws Exception {
        var identity = fx.server.services().identity();
        var x = identity.createAccount(identity.root().id(), "rel-x");
        identity.createUser(x.account().id(), "rel-x-admin", "pw-x", true, null, null, null);
        var y = identity.createAccount(identity.root().id(), "rel-y");
        identity.createUser(y.account().id(), "rel-y-admin", "pw-y", true, null, null, null);
        String xt = c.login("rel-x-admin", "pw-x"), yt = c.login("rel-y-admin", "pw-y");
        assertEquals(201, c.json("POST", "/store/_contexts?id=rx&graphtype=context", xt, null).statusCode());
        assertEquals(201, c.json("POST", "/store/_contexts?id=ry&graphtype=context", yt, null).statusCode());
        String file = store() + "rx/resource/file";
        assertEquals(201, c.json("POST", "/store/rx?id=file", xt, Map.of("metadata", Map.of())).statusCode());
        assertEquals(201, c.json("POST", "/store/rx?id=dist&informationresource=false", xt, Map.of("metadata", Map.of(
                store() + "rx/resource/dist", Map.of(ScapeClient.DCAT + "downloadURL", List.of(ScapeClient.uri(file)),
                        ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(file)), ScapeClient.DCT + "title", List.of(ScapeClient.lit("d"))))))
                .statusCode());
        // another account's entry pointing at X's file: none of X's business, and X may not see it
        assertEquals(201, c.json("POST", "/store/ry?id=spy&informationresource=false", yt, Map.of("metadata", Map.of(
                store() + "ry/resource/spy", Map.of(ScapeClient.DCAT + "downloadURL", List.of(ScapeClient.uri(file)))))).statusCode());

        var mine = Map.of(store() + "rx/resource/dist", Map.of(ScapeClient.DCAT + "downloadURL", List.of(ScapeClient.uri(file)),
                ScapeClient.DCAT + "accessURL", List.of(ScapeClient.uri(file))));
        assertEquals(mine, entry("/store/rx/entry/file", xt).get("relations"));
        assertEquals(mine, ServerFixture.json(c.get("/store/rx/relations/file", xt).body()), "the relations route says the same");
        var all = (Map<?, ?>) entry("/store/rx/entry/file", admin).get("relations");
        assertEquals(2, all.size(), "the root admin reads both: " + all);
    }

    @Test
    void everyReadAndWriteCarriesTheEntrysDate() throws Exception {
        context("ic5");
        var created = c.json("POST", "/store/ic5?id=e", admin, Map.of("metadata", Map.of()));
        assertEquals(201, created.statusCode());
        long t1 = assertDated(created);
        assertEquals(t1, assertDated(read("/store/ic5/entry/e", admin)));
        var md = c.json("PUT", "/store/ic5/metadata/e", admin, Map.of(store() + "ic5/resource/e",
                Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit("t")))));
        assertEquals(204, md.statusCode());
        long t2 = assertDated(md);
        assertTrue(t2 >= t1);
        assertEquals(t2, assertDated(c.get("/store/ic5/metadata/e", admin)));
        var put = c.upload("PUT", "/store/ic5/resource/e", admin, "file", "e.txt", "text/plain", "hello");
        assertEquals(201, put.statusCode());
        assertEquals("", put.body());
        long t3 = assertDated(put);
        assertEquals(t3, assertDated(c.get("/store/ic5/resource/e", admin)));
        var e = entry("/store/ic5/entry/e", admin);
        assertEquals(t3, assertDated(read("/store/ic5/entry/e", admin)));
        Object modified = ((Map<?, ?>) objects(subject(e, store() + "ic5/entry/e"), ScapeClient.DCT + "modified").get(0)).get("value");
        assertEquals(t3, Instant.parse((String) modified).toEpochMilli(), "dcterms:modified is the same date");
    }

    @Test
    void aWriteAfterAnotherIsRefusedWith412AtSecondResolution() throws Exception {
        context("ic6");
        assertEquals(201, c.json("POST", "/store/ic6?id=e", admin, Map.of("metadata", Map.of())).statusCode());
        String subject = store() + "ic6/resource/e";
        // what the library sends: the seconds-floor of dcterms:modified, equal to the last write's second
        var e = entry("/store/ic6/entry/e", admin);
        long modified = Instant.parse((String) ((Map<?, ?>) objects(subject(e, store() + "ic6/entry/e"), ScapeClient.DCT + "modified")
                .get(0)).get("value")).toEpochMilli();
        var ok = putMetadata("ic6", "e", title(subject, "first"), http(modified));
        assertEquals(204, ok.statusCode(), ok.body());
        long written = assertDated(ok);

        var stale = putMetadata("ic6", "e", title(subject, "lost"), http(written - 1000));
        assertEquals(412, stale.statusCode(), stale.body());
        assertTrue(stale.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(stale.body().contains("Precondition Failed"), stale.body());
        assertEquals(title(subject, "first"), ServerFixture.json(c.get("/store/ic6/metadata/e", admin).body()));

        // the library after its own write: Last-Modified plus a second
        var next = putMetadata("ic6", "e", title(subject, "second"), http(written + 1000));
        assertEquals(204, next.statusCode(), next.body());
        long after = assertDated(next);
        assertEquals(204, putMetadata("ic6", "e", title(subject, "third"), "not a date").statusCode(), "an unreadable date is ignored");

        var staleFile = c.send(c.request("/store/ic6/resource/e").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "text/plain").header("If-Unmodified-Since", http(after - 1000))
                .PUT(HttpRequest.BodyPublishers.ofString("lost")));
        assertEquals(412, staleFile.statusCode());
        assertEquals(404, c.get("/store/ic6/resource/e", admin).statusCode(), "no file was stored");
    }

    @Test
    void anotherUsersChangeMakesItAContributor() throws Exception {
        context("ic7");
        var identity = fx.server.services().identity();
        var u = identity.createUser(identity.root().id(), "ic-editor", "pw-editor", false, null, null, null);
        String editor = c.login("ic-editor", "pw-editor");
        assertEquals(201, c.json("POST", "/store/ic7?id=e", admin, Map.of("metadata", Map.of())).statusCode());
        assertEquals(204, c.json("PUT", "/store/ic7/metadata/e", editor, title(store() + "ic7/resource/e", "x")).statusCode());
        assertEquals(204, c.json("PUT", "/store/ic7/metadata/e", admin, title(store() + "ic7/resource/e", "y")).statusCode());
        var self = subject(entry("/store/ic7/entry/e", admin), store() + "ic7/entry/e");
        assertEquals(List.of(ScapeClient.uri(store() + "_principals/resource/" + u.id())), objects(self, ScapeClient.DCT + "contributor"),
                "the creator is not a contributor of its own entry: " + self);
    }

    static Map<String, Object> title(String subject, String title) {
        return Map.of(subject, Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit(title))));
    }

    static HttpResponse<String> putMetadata(String ctx, String id, Object graph, String ifUnmodifiedSince) throws Exception {
        return c.send(c.request("/store/" + ctx + "/metadata/" + id).header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "application/json; charset=UTF-8").header("If-Unmodified-Since", ifUnmodifiedSince)
                .PUT(HttpRequest.BodyPublishers.ofString(com.fasterxml.jackson.jr.ob.JSON.std.asString(graph))));
    }

    static String http(long ms) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
    }

    /** Checks Last-Modified and ETag "<ms>" agree; returns the ms. */
    static long assertDated(HttpResponse<String> res) {
        String etag = res.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + res.headers()));
        assertTrue(etag.matches("\"\\d+\""), etag);
        long ms = Long.parseLong(etag.substring(1, etag.length() - 1));
        String lm = res.headers().firstValue("Last-Modified").orElseThrow();
        assertEquals(ms / 1000, ZonedDateTime.parse(lm, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond(), lm);
        return ms;
    }
}
