package taskrunner.kazoo;

import org.junit.jupiter.api.Test;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Kills the server process with destroyForcibly and checks what a restart still has. */
@SingleServer("runs servers as child processes on a data directory (kill, restart), not a ServerFixture")
class KazooCrashTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String login(ChildServer s) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(s.uri.resolve("v2/user_auth")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return (String) ServerFixture.json(r.body()).get("auth_token");
    }

    private static HttpResponse<String> send(ChildServer s, String token, String method, String path, String ct, String body) throws Exception {
        var b = HttpRequest.newBuilder(s.uri.resolve(path.substring(1))).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("X-Auth-Token", token);
        if (ct != null) b.header("Content-Type", ct);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyAcknowledgedCreateSurvivesAKill() throws Exception {
        Path data = Files.createTempDirectory("taskrunner-crash");
        var acked = Collections.synchronizedList(new ArrayList<String>());
        ChildServer s = ChildServer.start(data);
        String token = login(s);
        var auth = HTTP.send(HttpRequest.newBuilder(s.uri.resolve("v2/user_auth")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        String account = (String) KazooClient.data(auth).get("account_id");
        String path = "/v2/accounts/" + account + "/tasks?category=examples&action=echo";
        var stop = new AtomicBoolean();
        var clients = new ArrayList<Thread>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        var r = send(s, token, "PUT", path, "application/json",
                                "{\"data\":{\"records\":[{\"client\":\"" + client + "\",\"i\":\"" + i + "\"}]}}");
                        if (r.statusCode() == 201) acked.add((String) KazooClient.readOnly(r).get("id"));
                    } catch (Exception e) {
                        return; // the server died under us: what was not acknowledged does not count
                    }
                }
            }));
        }
        ServerFixture.await("some creates acknowledged", Duration.ofSeconds(30), () -> acked.size() >= 200);
        s.kill();
        stop.set(true);
        for (Thread t : clients) t.join();
        var ids = List.copyOf(acked);

        try (ChildServer again = ChildServer.start(data)) {
            String t2 = login(again);
            var r = send(again, t2, "GET", "/v2/accounts/" + account + "/tasks?paginate=false", null, null);
            assertEquals(200, r.statusCode());
            var listed = new java.util.HashSet<String>();
            for (Object o : (List<?>) ServerFixture.json(r.body()).get("data")) listed.add((String) ((Map<?, ?>) o).get("id"));
            for (String id : ids) assertTrue(listed.contains(id), "acknowledged task " + id + " lost; " + ids.size() + " acknowledged");
            // and the inputs of those tasks are there too
            var in = send(again, t2, "GET", "/v2/accounts/" + account + "/tasks/" + ids.get(ids.size() - 1) + "/input", null, null);
            assertEquals(200, in.statusCode());
            assertTrue(in.body().startsWith("\"client\",\"i\"\n"));
        }
    }

    @Test
    void aRunningTaskResumesAfterItsLastCheckpoint() throws Exception {
        Path data = Files.createTempDirectory("taskrunner-resume");
        var csv = new StringBuilder("ms,n\n");
        for (int i = 0; i < 400; i++) csv.append("5,").append(i).append('\n');
        String account;
        String id;
        try (ChildServer s = ChildServer.start(data)) {
            String token = login(s);
            var auth = HTTP.send(HttpRequest.newBuilder(s.uri.resolve("v2/user_auth")).PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"" + ServerFixture.ADMIN_PASSWORD + "\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            account = (String) KazooClient.data(auth).get("account_id");
            var r = send(s, token, "PUT", "/v2/accounts/" + account + "/tasks?category=examples&action=echo", "text/csv", csv.toString());
            assertEquals(201, r.statusCode(), r.body());
            id = (String) KazooClient.readOnly(r).get("id");
        }
        // a server with a slow row delay, so the task is surely mid-way when killed
        ChildServer s = ChildServer.start(data, "--row-delay-ms", "5");
        String token = login(s);
        assertEquals(200, send(s, token, "PATCH", "/v2/accounts/" + account + "/tasks/" + id, null, null).statusCode());
        String get = "/v2/accounts/" + account + "/tasks/" + id;
        ServerFixture.await("progress past a checkpoint", Duration.ofSeconds(30), () -> {
            try {
                var t = KazooClient.readOnly(send(s, token, "GET", get, null, null));
                return t.get("success_count") instanceof Number n && n.intValue() >= 300;
            } catch (Exception e) {
                return false;
            }
        });
        s.kill();
        try (ChildServer again = ChildServer.start(data)) {
            String t2 = login(again);
            ServerFixture.await("resumed task finishes", Duration.ofSeconds(30), () -> {
                try {
                    return "success".equals(KazooClient.readOnly(send(again, t2, "GET", get, null, null)).get("status"));
                } catch (Exception e) {
                    return false;
                }
            });
            var t = KazooClient.readOnly(send(again, t2, "GET", get, null, null));
            assertEquals(400, ((Number) t.get("success_count")).intValue());
            assertTrue(((Number) t.get("resumed_after_row")).intValue() > 0, "says where it resumed: " + t);
            var out = send(again, t2, "GET", get + "/output", null, null).body().split("\n");
            assertEquals(401, out.length, "header + every row exactly once");
            for (int i = 0; i < 400; i++) assertEquals("\"5\",\"" + i + "\",", out[i + 1]);
        }
    }
}
