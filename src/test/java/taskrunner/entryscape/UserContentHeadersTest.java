package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Any file name can be downloaded (RFC 6266 filename*), and uploaded content never runs as this site's HTML. */
class UserContentHeadersTest {
    static ServerFixture fx;
    static ScapeClient c;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        admin = c.admin();
        var res = c.json("POST", "/store/_contexts?id=names&graphtype=context", admin, null);
        assertEquals(201, res.statusCode(), res.body());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static String upload(String id, String filename, String type, String content) throws Exception {
        var res = c.json("POST", "/store/names?id=" + id, admin, Map.of("metadata", Map.of(c.base() + "store/names/resource/_newId",
                Map.of(ScapeClient.RDF_TYPE, List.of(ScapeClient.uri("http://entryscape.com/terms/File"))))));
        assertEquals(201, res.statusCode(), res.body());
        res = c.upload("PUT", "/store/names/resource/" + id, admin, "file", filename, type, content);
        assertEquals(201, res.statusCode(), res.body());
        return "/store/names/resource/" + id;
    }

    @Test
    void aCzechOrChineseFileNameIsServedWithItsUtf8Name() throws Exception {
        for (String name : List.of("Příliš žluťoučký kůň.csv", "数据.csv", "emoji 🚀 report.csv")) {
            String path = upload("f" + Math.abs(name.hashCode()), name, "text/csv", "a,b\n1,2\n");
            var res = c.get(path + "?download", admin);
            assertEquals(200, res.statusCode(), name + ": " + res.body());
            assertEquals("a,b\n1,2\n", res.body());
            String cd = res.headers().firstValue("Content-Disposition").orElseThrow();
            assertTrue(cd.startsWith("attachment; filename=\""), cd);
            String star = cd.substring(cd.indexOf("filename*=UTF-8''") + "filename*=UTF-8''".length());
            assertEquals(name, URLDecoder.decode(star, StandardCharsets.UTF_8), cd);
        }
    }

    @Test
    void uploadedHtmlIsNeitherSniffedNorRunAsThisSite() throws Exception {
        String path = upload("page", "page.html", "text/html", "<script>alert(document.cookie)</script>");
        var res = c.get(path, admin);
        assertEquals(200, res.statusCode());
        assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("sandbox", res.headers().firstValue("Content-Security-Policy").orElse(null));
    }
}
