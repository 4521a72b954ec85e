package taskrunner.ckan;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;
import taskrunner.support.ChildServer;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Kills the server process with async jobs queued; after a restart none stays pending. */
@SingleServer("runs servers as child processes on a data directory (kill, restart), not a ServerFixture")
class CkanCrashTest {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Map<String, Object> call(ChildServer s, String path, String method, String body, String auth) throws Exception {
        var b = HttpRequest.newBuilder(s.uri.resolve(path)).timeout(Duration.ofSeconds(20));
        if (auth != null) b.header("Authorization", auth);
        if (body != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return ServerFixture.json(r.body());
    }

    @Test
    void killedWithQueuedJobsAndRestartedLeavesNonePending() throws Exception {
        var dir = Files.createTempDirectory("ckan-crash");
        var keys = new LinkedHashMap<String, String>();
        try {
            var first = ChildServer.start(dir, "--max-running", "2");
            try {
                for (int i = 0; i < 12; i++) {
                    var j = call(first, "job/crash" + i, "POST",
                            JSON.std.asString(Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 0.3))), null);
                    assertEquals("pending", j.get("status"));
                    keys.put("crash" + i, (String) j.get("job_key"));
                }
            } finally {
                first.kill();
            }
            var second = ChildServer.start(dir, "--max-running", "2");
            try {
                for (var e : keys.entrySet()) {
                    ServerFixture.await(e.getKey() + " to finish after the restart", Duration.ofSeconds(30), () -> {
                        try {
                            return !"pending".equals(call(second, "job/" + e.getKey(), "GET", null, e.getValue()).get("status"));
                        } catch (Exception ex) {
                            throw new AssertionError(ex);
                        }
                    });
                    var j = call(second, "job/" + e.getKey(), "GET", null, e.getValue());
                    assertEquals("complete", j.get("status"), "sleep is safe to run again: " + j);
                    assertEquals("Slept for 0.3 seconds.", j.get("data"));
                }
            } finally {
                second.kill();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
