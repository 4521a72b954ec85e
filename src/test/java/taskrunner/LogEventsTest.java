package taskrunner;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import taskrunner.support.FaceTasks;
import taskrunner.support.ServerFixture;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The log of a real server in the jar's format ({@link LogLines}): one line per event (server
 * start and stop, each task's created, started, stopped, finished, failed on every face, a
 * failed login, a failed callback) with its fields and the request id where there is one,
 * and none of the secrets the test used anywhere in it.
 */
class LogEventsTest {
    /** Collects every record as the jar's format writes it. */
    static final class Captured extends Handler {
        private final LogLines format = new LogLines();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void publish(LogRecord r) {
            if (!isLoggable(r)) return;
            String line = format.format(r); // on the logging thread, as the jar's handler does: the request id is there
            synchronized (text) {
                text.append(line);
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        List<String> lines() {
            return text().lines().toList();
        }

        /** The lines that contain {@code part}. */
        List<String> with(String part) {
            var out = new ArrayList<String>();
            for (String l : lines()) if (l.contains(part)) out.add(l);
            return out;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private final Captured log = new Captured();

    @BeforeEach
    void capture() {
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(log);
    }

    /** The one line of this event of this task, failing unless there is exactly one. */
    private String line(String event, String id) {
        var found = log.with("task " + event + " id=" + id + " ");
        assertEquals(1, found.size(), "task " + event + " " + id + ": " + found + "\n" + log.text());
        return found.get(0);
    }

    @Test
    void everyEventIsOneLineWithItsFieldsTheRequestIdAndNoSecret() throws Exception {
        String wrongPassword = "not-the-password-" + System.nanoTime();
        String ckanKey = "ckan-api-key-" + System.nanoTime();
        String ckanSecret = "ckan-secret-key-" + System.nanoTime();
        var secrets = new ArrayList<String>(List.of(ServerFixture.ADMIN_PASSWORD, wrongPassword, ckanKey, ckanSecret));
        String nowhere;
        try (var free = new ServerSocket(0)) {
            nowhere = "http://127.0.0.1:" + free.getLocalPort() + "/hook";
        }
        String kazooId, stoppedId, ckanDoneKey, childKey;
        try (var fx = new ServerFixture(b -> b.configure(c -> c.ckanCallbackAttempts(2).ckanCallbackBackoffMs(10)
                .ckanSecretKey(ckanSecret)))) {
            var run = new FaceTasks(fx);
            secrets.add(run.kazoo.token);
            secrets.add(fx.server.bootstrap().apiKey());
            var child = run.kazoo.send("PUT", "/v2/accounts/" + run.kazoo.accountId, "application/json", "{\"data\":{\"name\":\"logs\"}}");
            childKey = (String) ((Map<?, ?>) ServerFixture.json(child.body()).get("data")).get("api_key");
            secrets.add(childKey);

            var created = fx.send(fx.request(run.kazoo.tasksPath() + "?category=examples&action=echo")
                    .header("X-Auth-Token", run.kazoo.token).header("Content-Type", "text/csv").header("X-Request-ID", "log-create-1")
                    .PUT(HttpRequest.BodyPublishers.ofString("name\na\nb\nc\n")));
            assertEquals(201, created.statusCode(), created.body());
            kazooId = (String) ((Map<?, ?>) ((Map<?, ?>) ServerFixture.json(created.body()).get("data")).get("_read_only")).get("id");
            var started = fx.send(fx.request(run.kazoo.tasksPath() + "/" + kazooId).header("X-Auth-Token", run.kazoo.token)
                    .header("X-Request-ID", "log-start-1").method("PATCH", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, started.statusCode(), started.body());
            run.kazoo.awaitFinished(kazooId, java.time.Duration.ofSeconds(20));

            stoppedId = run.kazooRunning(100, 100);
            assertEquals(200, run.kazoo.send("PATCH", run.kazoo.tasksPath() + "/" + stoppedId + "/stop", null, null).statusCode());

            var ok = run.ckanEcho("log-ok", "hello", Map.of("api_key", ckanKey, "result_url", nowhere));
            ckanDoneKey = (String) ok.get("job_key");
            secrets.add(ckanDoneKey);
            secrets.add((String) run.ckanEcho("log-failed", "#boom", Map.of("api_key", ckanKey)).get("job_key"));
            var es = run.entryscapeDone("logs", "station,value\nA,1\n");

            var login = fx.send(fx.request("/v2/user_auth").header("X-Request-ID", "log-login-1").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"username\":\"admin\",\"password\":\"" + wrongPassword + "\"}}")));
            assertEquals(401, login.statusCode());
            ServerFixture.await("the failed callback's line", java.time.Duration.ofSeconds(20),
                    () -> !log.with("callback of job log-ok failed").isEmpty());
            fx.restart();

            String account = run.kazoo.accountId;
            String k = line("created", kazooId);
            assertTrue(k.contains(" face=kazoo type=examples/echo owner=" + account + " state=pending"), k);
            assertTrue(k.endsWith(" request=log-create-1"), k);
            assertTrue(line("started", kazooId).endsWith(" request=log-start-1"), "started on the request's thread, a slot being free");
            String done = line("finished", kazooId);
            assertTrue(done.matches(".* INFO Lifecycle: task finished id=" + kazooId + " face=kazoo type=examples/echo owner="
                    + account + " ran=\\d+\\.\\d{3}s ok=3 failed=0"), done);
            assertTrue(line("stopped", stoppedId).contains(" face=kazoo type=examples/sleep owner=" + account + " ran="));
            assertEquals(List.of(), log.with("task finished id=" + stoppedId));

            line("created", "log-ok");
            assertTrue(line("finished", "log-ok").contains(" face=ckan type=echo owner=- ran="));
            String failed = line("failed", "log-failed");
            assertTrue(failed.contains(" WARNING Lifecycle: task failed id=log-failed face=ckan type=echo owner=- ran="), failed);
            assertTrue(failed.contains(" error=") && failed.contains("serious exception"), failed);
            assertEquals(1, log.with("callback of job log-ok failed after 2 attempts").size(), log.text());

            String esId = (String) es.get("id");
            assertTrue(line("created", esId).contains(" face=entryscape type=addFile owner=" + account), log.text());
            line("started", esId);
            line("finished", esId);

            var denied = log.with("login failed for admin from ");
            assertEquals(1, denied.size(), log.text());
            assertTrue(denied.get(0).endsWith(" request=log-login-1"), denied.get(0));
            assertEquals(1, log.with("INFO TaskServer: server stopped").size(), log.text());
            assertEquals(2, log.with("INFO TaskServer: server started at http://").size(), log.text());
        }

        for (String l : log.lines()) {
            assertTrue(l.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z [A-Z]+ \\w+: .*"), "not one record per line: " + l);
        }
        String text = log.text();
        for (String secret : secrets) {
            // a secret the test failed to capture, or a short one, would make the check below say nothing
            assertTrue(secret != null && secret.length() >= 8, "a secret the test means to look for: " + secret);
            assertFalse(text.contains(secret), "a secret in the log: " + secret + "\n" + text);
        }
    }

    @Test
    void theJarInstallsOneHandlerSoARecordIsOneLine() {
        Logger root = Logger.getLogger("");
        Handler[] before = root.getHandlers();
        try {
            LogLines.install();
            Handler[] now = root.getHandlers();
            assertEquals(1, now.length, "a second handler would print each record a second time");
            assertInstanceOf(ConsoleHandler.class, now[0]);
            assertInstanceOf(LogLines.class, now[0].getFormatter());
        } finally {
            for (Handler h : root.getHandlers()) root.removeHandler(h);
            for (Handler h : before) root.addHandler(h);
        }
    }
}
