package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CSV size limits over real HTTP, configured small: 1 KiB a cell, 2 KiB a row. */
class KazooCsvLimitsTest {
    static final AtomicLong cellLimit = new AtomicLong(1024);
    static ServerFixture fx;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        // the limits are read at each (re)start, so a test can store a task under larger ones
        fx = new ServerFixture(b -> b.configure(c -> c.maxCsvCellChars(cellLimit.get()).maxCsvRowChars(2048)));
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Map<String, Object> csvFormat(String message) {
        return Map.of("csv", Map.of("format", Map.of("message", message)));
    }

    private static Map<String, Object> refused(String contentType, String body) throws Exception {
        var r = admin.send("PUT", admin.tasksPath() + "?category=examples&action=echo", contentType, body);
        assertEquals(500, r.statusCode(), r.body());
        var json = ServerFixture.json(r.body());
        assertEquals("invalid request", json.get("message"));
        return json;
    }

    @Test
    void anOversizedCellIsRefusedAsACsvFormatProblemAndTheServerGoesOn() throws Exception {
        var json = refused("text/csv", "name,note\nann,x\nbo," + "x".repeat(1025) + "\n");
        assertEquals(csvFormat("CSV row 2 has a cell longer than the limit of 1024 characters"), json.get("data"));
        json = refused("text/csv", "name,note\n" + "x".repeat(1000) + "," + "x".repeat(1000) + ",\"" + "x".repeat(49) + "\"\n");
        assertEquals(csvFormat("CSV row 1 is longer than the limit of 2048 characters (its cells together)"), json.get("data"));
        json = refused("application/json", "{\"data\":{\"records\":[{\"name\":\"" + "x".repeat(1025) + "\"}]}}");
        assertEquals(csvFormat("CSV row 1 has a cell longer than the limit of 1024 characters"), json.get("data"));
        // nothing was kept, and the server answers as before
        var list = admin.get(admin.tasksPath());
        assertEquals(200, list.statusCode());
        assertEquals(List.of(), ServerFixture.json(list.body()).get("data"));
    }

    @Test
    void aRowJustUnderTheLimitsIsAcceptedAndRuns() throws Exception {
        String cell = "y".repeat(1024);
        String csv = "name,note\n" + cell + "," + "z".repeat(1023) + "\n";
        String id = admin.createCsv("examples", "echo", csv);
        admin.start(id);
        var done = admin.awaitFinished(id, Duration.ofSeconds(10));
        assertEquals("success", done.get("status"));
        assertEquals(1, done.get("success_count"));
        id = admin.createCsv("examples", "echo", "name\n\"" + "q\"\"".repeat(341) + "\"\n"); // 1025 characters as written, 682 as a value
        admin.start(id);
        assertEquals("success", admin.awaitFinished(id, Duration.ofSeconds(10)).get("status"));
    }

    @Test
    void aStoredTaskOverTheLimitsFailsWithTheMessageWhenItRuns() throws Exception {
        var ann = admin.childWithUser("limits-ann", "limitsann", "annpw");
        String id;
        cellLimit.set(2048);
        fx.restart();
        try {
            id = new KazooClient(fx).login("limitsann", "annpw").createCsv("examples", "echo",
                    "name\nann\n" + "x".repeat(1500) + "\n");
        } finally {
            cellLimit.set(1024);
            fx.restart();
        }
        admin = KazooClient.admin(fx);
        ann = new KazooClient(fx).login("limitsann", "annpw");
        ann.start(id);
        ann.awaitFinished(id, Duration.ofSeconds(10));
        assertEquals("CSV row 2 has a cell longer than the limit of 1024 characters",
                fx.server.services().tasks().get(id).error());
    }
}
