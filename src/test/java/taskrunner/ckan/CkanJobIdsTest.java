package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A job id is data: any id the original accepts works for create, read, delete, purge and restart. */
class CkanJobIdsTest {
    static final List<String> IDS = List.of("with space", "per%cent", "quo\"te", "<angle>", "semi;colon", "co:lon",
            "plus+sign", "til~de", "é", "rocket 🚀", ".", ".hidden", "dots..", "slash-free_name");
    static ServerFixture fx;
    static CkanClient c;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new CkanClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static String path(String id) {
        // dots encoded too, or the client's URI resolution would treat "." as a path segment
        return "/job/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20").replace(".", "%2E");
    }

    @Test
    void oddIdsAreCreatedReadDeletedAndLeaveNoLogsBehind() throws Exception {
        for (String id : IDS) {
            var j = c.submit(path(id), Map.of("job_type", "echo", "api_key", "k", "data", "&x"));
            assertEquals(id, j.get("job_id"));
            String key = (String) j.get("job_key");
            assertEquals(1, ((List<?>) j.get("logs")).size(), "the echo job logs one warning");
            assertEquals(200, c.get(path(id), "Authorization", key).statusCode(), id);
            var del = c.delete(path(id), "Authorization", key);
            assertEquals(200, del.statusCode(), id + ": " + del.body());
            assertEquals(404, c.get(path(id), "Authorization", key).statusCode(), id);
            var again = c.submit(path(id), Map.of("job_type", "echo", "api_key", "k", "data", "y"));
            assertEquals(List.of(), again.get("logs"), id + ": a reused id inherits no logs");
        }
    }

    @Test
    void oneCallPurgesEveryFinishedJobWhateverItsIdAndTheyComeBackAfterARestart() throws Exception {
        for (String id : IDS) c.submit(path("p" + id), Map.of("job_type", "echo", "api_key", "k", "data", "z"));
        fx.restart();
        for (String id : IDS) {
            assertEquals(200, c.get(path("p" + id), "Cookie", c.login()).statusCode(), "after a restart: " + id);
        }
        var r = c.delete("/job?days=0", "Cookie", c.login());
        assertEquals(200, r.statusCode(), r.body());
        for (String id : IDS) assertEquals(404, c.get(path("p" + id), "Cookie", c.login()).statusCode(), "purged: " + id);
    }
}
