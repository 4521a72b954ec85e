package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every 409 of a submission, in the original's order, with its exact body. */
class CkanSubmitValidationTest {
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

    static void assertConflict(String message, java.net.http.HttpResponse<String> r) {
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"error\": " + PyJson.dumps(message) + "}", r.body());
    }

    @Test
    void extraKeysComeFirst() throws Exception {
        var body = new LinkedHashMap<String, Object>(Map.of("foo", 1, "bar", 2, "result_url", "ftp://x"));
        assertConflict("Too many arguments. Extra keys are bar, foo", c.post("/job", body));
    }

    @Test
    void resultUrlMustStartWithHttp() throws Exception {
        assertConflict("result_url has to start with http", c.post("/job", Map.of("result_url", "ftp://x")));
        assertConflict("result_url has to start with http", c.post("/job", Map.of("result_url", 5)));
        // a plain prefix test, as the original: these pass on to the next check
        assertConflict("Please specify a job type", c.post("/job", Map.of("result_url", "httpfoo")));
        assertConflict("Please specify a job type", c.post("/job", Map.of("result_url", "")));
    }

    @Test
    void jobTypeMustBeGivenAndKnown() throws Exception {
        assertConflict("Please specify a job type", c.post("/job", Map.of("api_key", "k")));
        assertConflict("Please specify a job type", c.post("/job", Map.of("job_type", "", "api_key", "k")));
        var r = c.post("/job", Map.of("job_type", "moo", "api_key", "k"));
        assertConflict("Job type moo not available. Available job types are echo, examples/count, examples/echo, examples/sleep, sleep", r);
    }

    @Test
    void apiKeyMustBeGiven() throws Exception {
        assertConflict("Please provide your API key.", c.post("/job", Map.of("job_type", "echo")));
        assertConflict("Please provide your API key.", c.post("/job", Map.of("job_type", "echo", "api_key", "")));
    }

    @Test
    void metadataMustBeAnObjectEvenNotNull() throws Exception {
        assertConflict("metadata has to be a json object", c.post("/job", Map.of("job_type", "echo", "api_key", "k", "metadata", "x")));
        assertConflict("metadata has to be a json object", c.post("/job", "{\"job_type\":\"echo\",\"api_key\":\"k\",\"metadata\":null}"));
        assertConflict("metadata has to be a json object", c.post("/job", Map.of("job_type", "echo", "api_key", "k", "metadata", java.util.List.of())));
    }

    @Test
    void aDuplicateIdIsRefused() throws Exception {
        c.submit("/job/dup", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
        assertConflict("job_id dup already exists", c.post("/job/dup", Map.of("job_type", "echo", "api_key", "k", "data", "x")));
    }

    @Test
    void bodiesThatAreNotJsonObjects() throws Exception {
        assertConflict("Malformed json", c.post("/job", "{not json"));
        assertConflict("Malformed json", c.post("/job", ""));
        assertConflict("Not recognised as json, make sure content type is application/json", c.post("/job", "{}"));
        assertConflict("Not recognised as json, make sure content type is application/json", c.post("/job", "null"));
        assertConflict("Not recognised as json, make sure content type is application/json", c.post("/job", "[]"));
        assertConflict("Malformed json", c.post("/job", "[1]"));
        // curl's default form content type, or none at all
        var form = fx.send(fx.request("/job").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("job_type=echo")));
        assertConflict("Malformed json", form);
        var none = fx.send(fx.request("/job").POST(HttpRequest.BodyPublishers.ofString("{\"job_type\":\"echo\"}")));
        assertConflict("Malformed json", none);
        var vendor = fx.send(fx.request("/job").header("Content-Type", "application/vnd.x+json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"job_type\":\"echo\",\"api_key\":\"k\",\"data\":\"v\"}")));
        assertEquals(200, vendor.statusCode());
    }

    @Test
    void aBodyOverTheLimitIs413Html() throws Exception {
        var big = "{\"data\":\"" + "x".repeat(2 << 20) + "\"}";
        var r = c.post("/job", big);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("<title>413 Request Entity Too Large</title>"), r.body());
    }
}
