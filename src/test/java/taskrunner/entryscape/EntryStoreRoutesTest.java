package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EntryStore's contexts, entries, metadata and files over real HTTP, with account isolation. */
class EntryStoreRoutesTest {
    static final long UPLOAD_LIMIT = 4096;
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.maxUploadBytes(UPLOAD_LIMIT)));
        c = new ScapeClient(fx);
        admin = c.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Map<String, Object> md(String subject, String title) {
        return Map.of(subject, Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit(title))));
    }

    @Test
    void adminsCreateContextsAndTakenIdsAre409() throws Exception {
        var res = c.json("POST", "/store/_contexts?id=c1&graphtype=context", admin, null);
        assertEquals(201, res.statusCode(), res.body());
        assertEquals("c1", ServerFixture.json(res.body()).get("entryId"));
        assertEquals(c.base() + "store/_contexts/entry/c1", res.headers().firstValue("Location").orElseThrow());
        assertEquals(409, c.json("POST", "/store/_contexts?id=c1&graphtype=context", admin, null).statusCode());
        assertEquals(401, c.json("POST", "/store/_contexts?id=c2&graphtype=context", null, null).statusCode());
        assertEquals(400, c.json("POST", "/store/_contexts?id=auth&graphtype=context", admin, null).statusCode());
    }

    @Test
    void entriesAreCreatedReadAndDeleted() throws Exception {
        c.json("POST", "/store/_contexts?id=e1&graphtype=context", admin, null);
        String subject = c.base() + "store/e1/resource/_newId";
        var res = c.json("POST", "/store/e1?id=d1&informationresource=false", admin, Map.of("metadata", md(subject, "Dist")));
        assertEquals(201, res.statusCode(), res.body());
        assertEquals(Map.of("entryId", "d1"), ServerFixture.json(res.body()));
        assertEquals(c.base() + "store/e1/entry/d1", res.headers().firstValue("Location").orElseThrow());
        var dup = c.json("POST", "/store/e1?id=d1", admin, null);
        assertEquals(409, dup.statusCode());
        assertEquals("Entry with provided ID already exists", ServerFixture.json(dup.body()).get("error"));

        var entry = ServerFixture.json(c.get("/store/e1/entry/d1?includeAll", admin).body());
        assertEquals("d1", entry.get("entryId"));
        assertTrue(entry.get("info").toString().contains("NamedResource"));
        // _newId in the body became the id
        assertEquals(md(c.base() + "store/e1/resource/d1", "Dist"), entry.get("metadata"));

        var gen = c.json("POST", "/store/e1", admin, null);
        assertEquals(201, gen.statusCode());
        assertTrue(((String) ServerFixture.json(gen.body()).get("entryId")).matches("\\d+"));

        assertEquals(204, c.json("DELETE", "/store/e1/entry/d1", admin, null).statusCode());
        assertEquals(404, c.get("/store/e1/entry/d1", admin).statusCode());
        assertEquals(404, c.json("POST", "/store/nosuch?id=x", admin, null).statusCode());
        assertEquals(400, c.json("POST", "/store/e1?id=bad", admin, "{\"metadata\": {\"s\": 3}}").statusCode());
    }

    @Test
    void metadataIsReadAndReplacedAsRdfJson() throws Exception {
        c.json("POST", "/store/_contexts?id=m1&graphtype=context", admin, null);
        c.json("POST", "/store/m1?id=x", admin, null);
        String s = c.base() + "store/m1/resource/x";
        assertEquals(204, c.json("PUT", "/store/m1/metadata/x", admin, md(s, "New title")).statusCode());
        var res = c.get("/store/m1/metadata/x", admin);
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals(md(s, "New title"), ServerFixture.json(res.body()));
        var notRdf = c.json("PUT", "/store/m1/metadata/x", admin, "[1]");
        assertEquals(400, notRdf.statusCode());
        assertTrue(notRdf.body().contains("RDF/JSON must be an object"), notRdf.body());
        assertEquals(400, c.json("PUT", "/store/m1/metadata/x", admin, "{nope").statusCode());
        assertEquals(md(s, "New title"), ServerFixture.json(c.get("/store/m1/metadata/x", admin).body()));
    }

    @Test
    void filesArePutAsMultipartOrRawAndServedWithTypeAndName() throws Exception {
        c.json("POST", "/store/_contexts?id=f1&graphtype=context", admin, null);
        c.json("POST", "/store/f1?id=file", admin, null);
        var put = c.upload("PUT", "/store/f1/resource/file", admin, "upload", "dir/data.csv", "text/csv", "a,b\n1,2\n");
        assertEquals(201, put.statusCode(), put.body());
        var get = c.get("/store/f1/resource/file", admin);
        assertEquals(200, get.statusCode());
        assertEquals("a,b\n1,2\n", get.body());
        assertEquals("text/csv", get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("inline; filename=\"data.csv\"", get.headers().firstValue("Content-Disposition").orElseThrow());
        assertTrue(get.headers().firstValue("Digest").orElseThrow().matches("sha-256=[0-9a-f]{64}"));

        var raw = c.send(fx.request("/store/f1/resource/file?download").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "text/plain").header("Content-Disposition", "attachment; filename=\"notes.txt\"")
                .PUT(HttpRequest.BodyPublishers.ofString("hello")));
        assertEquals(201, raw.statusCode());
        get = c.get("/store/f1/resource/file?download", admin);
        assertEquals("hello", get.body());
        assertEquals("text/plain", get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"notes.txt\"", get.headers().firstValue("Content-Disposition").orElseThrow());
        var info = c.get("/store/f1/entry/file", admin).body();
        assertTrue(info.contains("notes.txt") && info.contains("\"5\""), info);
    }

    @Test
    void oversizeAndMalformedUploadsChangeNothing() throws Exception {
        c.json("POST", "/store/_contexts?id=o1&graphtype=context", admin, null);
        c.json("POST", "/store/o1?id=file", admin, null);
        assertEquals(201, c.upload("PUT", "/store/o1/resource/file", admin, "f", "a.txt", "text/plain", "keep").statusCode());
        var big = c.upload("PUT", "/store/o1/resource/file", admin, "f", "big.txt", "text/plain", "x".repeat((int) UPLOAD_LIMIT + 1));
        assertEquals(413, big.statusCode(), big.body());
        var broken = c.send(fx.request("/store/o1/resource/file").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "multipart/form-data; boundary=zz")
                .PUT(HttpRequest.BodyPublishers.ofString("--zz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc")));
        assertEquals(400, broken.statusCode(), broken.body());
        assertEquals("keep", c.get("/store/o1/resource/file", admin).body());
    }

    @Test
    void typesAndNamesThatWouldBreakHeadersAreNeutralized() throws Exception {
        c.json("POST", "/store/_contexts?id=h1&graphtype=context", admin, null);
        c.json("POST", "/store/h1?id=file", admin, null);
        var put = c.send(fx.request("/store/h1/resource/file?mimeType=text/plain%0d%0aX-Evil:%201").header("Cookie", "auth_token=" + admin)
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(201, put.statusCode());
        var get = c.get("/store/h1/resource/file", admin);
        assertEquals(200, get.statusCode());
        assertEquals("application/octet-stream", get.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(get.headers().firstValue("X-Evil").isEmpty());
    }

    @SingleServer("a Location names the answering server's own address; the servers share no public base URL")
    @Test
    void namedResourcesRedirectToTheirMetadata() throws Exception {
        c.json("POST", "/store/_contexts?id=n1&graphtype=context", admin, null);
        c.json("POST", "/store/n1?id=dist&informationresource=false", admin, null);
        var res = c.send(fx.request("/store/n1/resource/dist").header("Cookie", "auth_token=" + admin).GET());
        assertEquals(303, res.statusCode());
        assertEquals(c.base() + "store/n1/metadata/dist", res.headers().firstValue("Location").orElseThrow());
        assertEquals(400, c.upload("PUT", "/store/n1/resource/dist", admin, "f", "a.txt", "text/plain", "x").statusCode());
    }

    @Test
    void anotherAccountCanNeitherReadNorWriteAContext() throws Exception {
        c.json("POST", "/store/_contexts?id=p1&graphtype=context", admin, null);
        c.json("POST", "/store/p1?id=secret", admin, null);
        c.upload("PUT", "/store/p1/resource/secret", admin, "f", "s.txt", "text/plain", "secret");
        var identity = fx.server.services().identity();
        var acct = identity.createAccount(identity.root().id(), "other");
        identity.createUser(acct.account().id(), "otheradmin", "pw-other", true, null, null, null);
        String other = c.login("otheradmin", "pw-other");
        assertEquals(403, c.get("/store/p1/entry/secret", other).statusCode());
        assertEquals(403, c.get("/store/p1/resource/secret", other).statusCode());
        assertEquals(403, c.get("/store/p1/metadata/secret", other).statusCode());
        assertEquals(403, c.json("POST", "/store/p1?id=x", other, null).statusCode());
        assertEquals(403, c.upload("PUT", "/store/p1/resource/secret", other, "f", "s.txt", "text/plain", "mine").statusCode());
        assertEquals(403, c.json("DELETE", "/store/p1/entry/secret", other, null).statusCode());
        assertEquals(401, c.get("/store/p1/resource/secret", null).statusCode());
        // their own context is theirs; the root admin may look (superduper), they may not look back
        assertEquals(201, c.json("POST", "/store/_contexts?id=p2&graphtype=context", other, null).statusCode());
        assertEquals(201, c.json("POST", "/store/p2?id=mine", other, null).statusCode());
        assertEquals(200, c.get("/store/p2/entry/mine", admin).statusCode());
        assertEquals("secret", c.get("/store/p1/resource/secret", admin).body());
        var unsupported = c.get("/store/p1/nosuch/thing", admin);
        assertEquals(501, unsupported.statusCode());
        assertEquals("Not supported by this server: GET /store/p1/nosuch/thing (it implements a subset of the EntryStore API)",
                ServerFixture.json(unsupported.body()).get("error"));
    }

    /**
     * The parts of EntryStore's API this server does not implement answer 501 in EntryStore's
     * envelope with a text naming the route, not "The requested context ID does not exist"
     * (which the {@code /store/{ctx}...} patterns said for EntryStore's own global names such as
     * {@code lookup}) nor a bare "not found".
     */
    @Test
    void entryStoreRoutesThisServerLacksAre501NamingTheRoute() throws Exception {
        c.json("POST", "/store/_contexts?id=u1&graphtype=context", admin, null);
        for (String[] r : new String[][] {
                {"GET", "/store/lookup"}, {"GET", "/store/sparql"}, {"GET", "/store/echo"}, {"GET", "/store/management/status"},
                {"GET", "/store/_principals"}, {"POST", "/store/_principals"}, {"GET", "/store/_principals/resource/_admin"},
                {"GET", "/store/_principals/groups"}, {"GET", "/store/u1/export"}, {"GET", "/store/u1/entry/x/name"},
                {"GET", "/store/u1/cached-external-metadata/x"}, {"GET", "/store/auth/tokens"}, {"GET", "/store"}}) {
            var res = r[0].equals("GET") ? c.get(r[1], admin) : c.json(r[0], r[1], admin, "{}");
            assertEquals(501, res.statusCode(), r[0] + " " + r[1] + ": " + res.body());
            assertEquals("Not supported by this server: " + r[0] + " " + r[1] + " (it implements a subset of the EntryStore API)",
                    ServerFixture.json(res.body()).get("error"), r[1]);
        }
        var unknown = c.get("/store/nosuch/entry/1", admin);
        assertEquals(404, unknown.statusCode());
        assertEquals("The requested context ID does not exist", ServerFixture.json(unknown.body()).get("error"));
        assertEquals(200, c.get("/store/u1", admin).statusCode(), "a real context still lists");
    }
}
