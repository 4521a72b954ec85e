package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The parts of EntryStore's API this server does not implement answer 501 in EntryStore's
 * envelope with a text naming the route, not "The requested context ID does not exist" (which
 * the {@code /store/{ctx}...} patterns said for EntryStore's own global names such as
 * {@code lookup}) nor a bare "not found".
 */
class EsUnsupportedRoutesTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        admin = c.admin();
        assertEquals(201, c.json("POST", "/store/_contexts?id=u1&graphtype=context", admin, null).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void entryStoreRoutesThisServerLacksAre501NamingTheRoute() throws Exception {
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
