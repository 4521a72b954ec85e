package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded RowStore over real HTTP: create, query, filters, paging, info, append, replace, delete, aliases. */
class RowStoreRoutesTest {
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

    private static Map<String, Object> create(String csv) throws Exception {
        var res = c.csv("POST", "/rowstore/datasets", admin, csv);
        assertEquals(202, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    @Test
    void createAnswers202WithIdUrlStatusAndInfo() throws Exception {
        var res = c.csv("POST", "/rowstore/datasets", admin, "Name, Town\nBéringer,Lyon\nAnna,Uppsala\n");
        assertEquals(202, res.statusCode());
        var d = ServerFixture.json(res.body());
        String id = (String) d.get("id");
        assertTrue(id.matches("[0-9a-f-]{36}"));
        assertEquals(c.base() + "rowstore/dataset/" + id, d.get("url"));
        assertEquals(d.get("url") + "/info", d.get("info"));
        assertEquals(3, d.get("status"));
        assertEquals(d.get("url"), res.headers().firstValue("Location").orElseThrow());
        var info = c.query("/rowstore/dataset/" + id + "/info");
        assertEquals(List.of("name", "town"), info.get("columnnames"));
        assertEquals(2, info.get("rowcount"));
        assertEquals(3, info.get("status"));
        assertEquals(id, info.get("identifier"));
        assertTrue(((String) info.get("created")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}"));
        var list = c.get("/rowstore/datasets", null).body();
        assertTrue(list.contains(id));
        var one = c.query("/rowstore/dataset/" + id + "?_limit=1");
        assertEquals(List.of(Map.of("name", "Béringer", "town", "Lyon")), one.get("results"));
        assertEquals(0, one.get("offset"));
        assertEquals(2, one.get("resultCount"));
        assertEquals(1, one.get("limit"));
    }

    @Test
    void semicolonFilesAndQuotedCellsAreRead() throws Exception {
        // RowStore's rule: ';' when the first two lines hold the same number of them
        var d = create("a;b\n3;4\n\"x;1\";2\n");
        var q = c.query("/rowstore/dataset/" + d.get("id") + "/json");
        assertEquals(List.of(Map.of("a", "3", "b", "4"), Map.of("a", "x;1", "b", "2")), q.get("results"));
    }

    @Test
    void aByteOrderMarkIsSkippedAndOnlyUtf8IsRead() throws Exception {
        var d = create("\uFEFFA;B\n1;\n;\"\"\n");
        var q = c.query("/rowstore/dataset/" + d.get("id") + "/json");
        assertEquals(List.of(Map.of("a", "1", "b", ""), Map.of("a", "", "b", "")), q.get("results"));
        var latin1 = c.send(c.request("/rowstore/datasets").header("Content-Type", "text/csv")
                .header("Cookie", "auth_token=" + admin)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray("name\nJos\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
        assertEquals(400, latin1.statusCode());
        assertTrue(latin1.body().contains("not UTF-8 text"), latin1.body());
    }

    @Test
    void filtersAreExactAndAndedAndUnknownColumnsAre400() throws Exception {
        var d = create("station,kind\nA,x\nB,y\nC,x\n");
        String q = "/rowstore/dataset/" + d.get("id") + "/json";
        var r = c.query(q + "?kind=x");
        assertEquals(2, r.get("resultCount"));
        assertEquals(1, c.query(q + "?KIND=x&station=C").get("resultCount"));
        assertEquals(0, c.query(q + "?kind=X").get("resultCount"));
        assertEquals(400, c.get(q + "?nonexistingkey=test", null).statusCode());
        assertEquals(400, c.get(q + "?_limit=abc", null).statusCode());
        assertEquals(404, c.get("/rowstore/dataset/nosuch/json", null).statusCode());
    }

    @Test
    void pagingGivesNextAndPrevLinks() throws Exception {
        var d = create(ScapeClient.rows("k,v", "r", 1, 25));
        String q = "/rowstore/dataset/" + d.get("id") + "/json";
        var p1 = c.query(q + "?_limit=10");
        assertEquals(25, p1.get("resultCount"));
        assertEquals(10, ((List<?>) p1.get("results")).size());
        assertFalse(p1.containsKey("prev"));
        String next = (String) p1.get("next");
        assertEquals(c.base() + "rowstore/dataset/" + d.get("id") + "/json?_offset=10&_limit=10", next);
        var p3 = ServerFixture.json(c.getUri(c.base() + "rowstore/dataset/" + d.get("id") + "/json?_offset=20&_limit=10").body());
        assertEquals(5, ((List<?>) p3.get("results")).size());
        assertEquals(Map.of("k", "r21", "v", "210"), ((List<?>) p3.get("results")).get(0));
        assertFalse(p3.containsKey("next"));
        assertTrue(((String) p3.get("prev")).endsWith("_offset=10&_limit=10"));
        // out-of-range limits fall back to 100, as RowStore does; a filter is carried into the links
        assertEquals(100, c.query(q + "?_limit=5000").get("limit"));
        var f = c.query(q + "?_limit=1&v=10");
        assertEquals(1, f.get("resultCount"));
        assertEquals(0, c.query(q + "?_offset=-5&_limit=1").get("offset"));
    }

    @Test
    void appendAddsRowsAndReplaceSwapsThemAndBadLoadsChangeNothing() throws Exception {
        var d = create("k,v\na,1\n");
        String ds = "/rowstore/dataset/" + d.get("id");
        var app = c.csv("POST", ds, admin, "V,K\n2,b\n");
        assertEquals(202, app.statusCode(), app.body());
        assertEquals(List.of(Map.of("k", "a", "v", "1"), Map.of("k", "b", "v", "2")), c.query(ds + "/json").get("results"));
        var wrong = c.csv("POST", ds, admin, "other\n1\n");
        assertEquals(400, wrong.statusCode());
        assertTrue(((String) ServerFixture.json(wrong.body()).get("error")).contains("columns"));
        var broken = c.csv("PUT", ds, admin, "k,v\nz,9\ntoo,many,cells\n");
        assertEquals(400, broken.statusCode());
        assertEquals(2, c.query(ds + "/json").get("resultCount"));
        assertEquals(3, c.query(ds + "/info").get("status"));
        var rep = c.csv("PUT", ds, admin, "x,y\n1,2\n");
        assertEquals(202, rep.statusCode());
        assertEquals(List.of(Map.of("x", "1", "y", "2")), c.query(ds + "/json").get("results"));
        assertEquals(List.of("x", "y"), c.query(ds + "/info").get("columnnames"));
        assertEquals(401, c.csv("PUT", ds, null, "x,y\n").statusCode());
        assertEquals(400, c.csv("POST", "/rowstore/datasets", admin, "").statusCode());
    }

    @Test
    void deleteRemovesTheDatasetAndFreesItsAliases() throws Exception {
        var d = create("k\n1\n");
        String ds = "/rowstore/dataset/" + d.get("id");
        assertEquals(204, c.json("PUT", ds + "/aliases", admin, List.of("gone1")).statusCode());
        assertEquals(204, c.json("DELETE", ds, admin, null).statusCode());
        assertEquals(404, c.get(ds + "/json", null).statusCode());
        assertEquals(404, c.get("/rowstore/dataset/gone1/json", null).statusCode());
        var d2 = create("k\n2\n");
        assertEquals(204, c.json("PUT", "/rowstore/dataset/" + d2.get("id") + "/aliases", admin, List.of("gone1")).statusCode());
    }

    @Test
    void aliasesNameADatasetInEveryRoute() throws Exception {
        var d = create("k\n1\n");
        var other = create("k\n2\n");
        String ds = "/rowstore/dataset/" + d.get("id");
        assertEquals(204, c.json("PUT", ds + "/aliases", admin, List.of("air")).statusCode());
        assertEquals(204, c.json("POST", ds + "/aliases", admin, List.of("luft")).statusCode());
        assertEquals("[\"air\",\"luft\"]", c.get(ds + "/aliases", null).body());
        assertEquals(List.of(Map.of("k", "1")), c.query("/rowstore/dataset/air/json").get("results"));
        assertEquals(d.get("id"), c.query("/rowstore/dataset/luft/info").get("identifier"));
        var swagger = c.query("/rowstore/dataset/air/swagger");
        assertEquals("2.0", swagger.get("swagger"));
        assertEquals("/rowstore", swagger.get("basePath"));
        assertTrue(swagger.get("paths").toString().contains("/dataset/" + d.get("id")) && swagger.toString().contains("name=k"), swagger.toString());
        assertEquals(List.of("air", "luft"), c.query(ds + "/info").get("aliases"));
        assertEquals(400, c.json("PUT", "/rowstore/dataset/" + other.get("id") + "/aliases", admin, List.of("air")).statusCode());
        assertEquals(400, c.json("POST", ds + "/aliases", admin, List.of("no-dash")).statusCode());
        assertEquals("[\"air\",\"luft\"]", c.get(ds + "/aliases", null).body());
        assertEquals(204, c.json("DELETE", ds + "/aliases", admin, null).statusCode());
        assertEquals("[]", c.get(ds + "/aliases", null).body());
        assertEquals(404, c.get("/rowstore/dataset/air/json", null).statusCode());
    }

    @Test
    void anotherAccountCannotChangeADatasetButMayReadIt() throws Exception {
        var d = create("k\n1\n");
        String ds = "/rowstore/dataset/" + d.get("id");
        var identity = fx.server.services().identity();
        var acct = identity.createAccount(identity.root().id(), "rs-other");
        identity.createUser(acct.account().id(), "rsother", "pw-rs", false, null, null, null);
        String other = c.login("rsother", "pw-rs");
        assertEquals(403, c.csv("POST", ds, other, "k\n2\n").statusCode());
        assertEquals(403, c.json("DELETE", ds, other, null).statusCode());
        assertEquals(403, c.json("PUT", ds + "/aliases", other, List.of("theirs")).statusCode());
        assertEquals(1, c.query(ds + "/json").get("resultCount"));
    }
}
