package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KazooLimitsTest {
    static ServerFixture fx;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(c -> c.maxBodyBytes(2048).maxUploadBytes(10_000)));
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void anOversizeCsvIs413InTheEnvelopeAndLeavesNothing() throws Exception {
        String big = "a\n" + "x".repeat(20_000) + "\n";
        var r = admin.send("PUT", admin.tasksPath() + "?category=examples&action=echo", "text/csv", big);
        assertEquals(413, r.statusCode());
        var json = ServerFixture.json(r.body());
        assertEquals("413", json.get("error"));
        assertEquals("error", json.get("status"));
        assertEquals(List.of(), ServerFixture.json(admin.get(admin.tasksPath()).body()).get("data"));
        // and the server goes on serving
        assertEquals(201, admin.send("PUT", admin.tasksPath() + "?category=examples&action=echo", "text/csv", "a\n1\n").statusCode());
    }

    @Test
    void anOversizeJsonBodyIs413() throws Exception {
        var r = admin.send("PUT", "/v2/user_auth", "application/json", "{\"data\":{\"x\":\"" + "y".repeat(5000) + "\"}}");
        assertEquals(413, r.statusCode());
        assertEquals("error", ServerFixture.json(r.body()).get("status"));
    }

    @Test
    void aChunkedBodyPastTheLimitIs413Too() throws Exception {
        var body = java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(("a\n" + "x".repeat(20_000) + "\n").getBytes()));
        var r = fx.send(fx.request(admin.tasksPath() + "?category=examples&action=echo")
                .header("X-Auth-Token", admin.token).header("Content-Type", "text/csv").PUT(body));
        assertEquals(413, r.statusCode());
    }
}
