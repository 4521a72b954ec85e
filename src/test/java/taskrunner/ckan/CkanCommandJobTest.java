package taskrunner.ckan;

import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Operator-declared command tasks run as CKAN jobs named category/action, data as the row. */
class CkanCommandJobTest {
    @Test
    void aCommandTaskRunsWithDataAsItsRow() throws Exception {
        try (var fx = ServerFixture.withTasks("""
                {"tasks": [{"category": "shell", "action": "greet", "description": "Greets", "doc": "Says hello.",
                            "mandatory": ["name"], "optional": [], "argv": ["echo", "hello {name}"], "timeout_ms": 10000}]}
                """)) {
            var c = new CkanClient(fx);
            var status = ServerFixture.json(c.get("/status").body());
            assertTrue(((java.util.List<?>) status.get("job_types")).contains("shell/greet"));
            var j = c.submit("/job", Map.of("job_type", "shell/greet", "api_key", "k", "data", Map.of("name", "bob")));
            assertEquals("pending", j.get("status"), "command jobs are asynchronous");
            var done = c.awaitDone((String) j.get("job_id"), (String) j.get("job_key"));
            assertEquals("complete", done.get("status"), String.valueOf(done.get("error")));
            var row = (Map<?, ?>) done.get("data");
            assertEquals("bob", row.get("name"));
            assertEquals("hello bob", String.valueOf(row.get("stdout")).trim());
            var missing = c.submit("/job", Map.of("job_type", "shell/greet", "api_key", "k", "data", Map.of("other", 1)));
            var failed = c.awaitDone((String) missing.get("job_id"), (String) missing.get("job_key"));
            assertEquals("error", failed.get("status"));
            assertEquals("unknown fields: other", ((Map<?, ?>) failed.get("error")).get("message"));
        }
    }
}
