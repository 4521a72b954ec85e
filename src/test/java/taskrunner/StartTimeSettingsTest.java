package taskrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Settings read at start on a directory that has state of its own say what they did: an
 * admin password sets admin's password, a reset gives a new one printed once, a CKAN key
 * that differs from the stored one replaces it. Secrets are never printed, except a
 * generated password once.
 */
class StartTimeSettingsTest {
    private static boolean logsIn(ChildServer s, String password) throws Exception {
        var r = s.send(s.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"" + password + "\"}}")));
        return r.statusCode() == 201;
    }

    @Test
    void anAdminPasswordOnAnExistingDirectorySetsItAndSaysSo(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (ChildServer first = ChildServer.start(data)) {
            assertTrue(first.output().contains("first start"), first.output());
            assertFalse(first.output().contains("admin password set"), "a first start uses it as the first password");
        }
        try (ChildServer again = ChildServer.start(data, "--admin-password", "changed-pw")) {
            assertTrue(again.output().contains("admin password set from --admin-password\n"), again.output());
            assertFalse(again.output().contains("changed-pw"), "the password is not printed");
            assertTrue(logsIn(again, "changed-pw"));
            assertFalse(logsIn(again, ServerFixture.ADMIN_PASSWORD));
        }
        try (ChildServer without = ChildServer.start(data, "--admin-password", "")) {
            assertFalse(without.output().contains("admin password"), without.output());
            assertTrue(logsIn(without, "changed-pw"), "kept when not given");
        }
    }

    @Test
    void aResetGivesAdminANewPasswordPrintedOnceAndKeepsServing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        ChildServer.start(data).close();
        String password;
        try (ChildServer reset = ChildServer.start(data, "--reset-admin-password")) {
            var m = Pattern.compile("admin password reset; new admin password \\(shown once\\): (\\S+)\n").matcher(reset.output());
            assertTrue(m.find(), reset.output());
            password = m.group(1);
            assertTrue(logsIn(reset, password), "it serves with the new password");
            assertFalse(logsIn(reset, ServerFixture.ADMIN_PASSWORD));
        }
        try (ChildServer later = ChildServer.start(data, "--admin-password", "")) {
            assertFalse(later.output().contains(password), "shown once");
            assertTrue(logsIn(later, password));
        }
    }

    @Test
    void aResetTogetherWithAnAdminPasswordIsABadCommandLine(@TempDir Path dir) throws Exception {
        var exit = ChildServer.run(Duration.ofSeconds(5), "--port", "0", "--data", dir.resolve("data").toString(),
                "--reset-admin-password", "--admin-password", "x");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().startsWith("taskrunner: --reset-admin-password and --admin-password"), exit.output());
        exit = ChildServer.run(Duration.ofSeconds(5), "--reset-admin-password=yes");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().startsWith("taskrunner: --reset-admin-password takes no value"), exit.output());
    }

    @Test
    void aCkanKeyThatDiffersFromTheStoredOneReplacesItAndSaysSo(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String job;
        try (ChildServer first = ChildServer.start(data, "--ckan-secret-key", "key-one")) {
            assertFalse(first.output().contains("CKAN secret key"), "a given key is not printed: " + first.output());
            var r = first.send(first.request("/job").header("Content-Type", "application/json").POST(
                    HttpRequest.BodyPublishers.ofString("{\"job_type\": \"echo\", \"api_key\": \"k\", \"data\": \"x\"}")));
            assertEquals(200, r.statusCode(), r.body());
            job = (String) ServerFixture.json(r.body()).get("job_id");
            assertEquals(200, jobStatus(first, job, "key-one"));
        }
        try (ChildServer same = ChildServer.start(data, "--ckan-secret-key", "key-one")) {
            assertFalse(same.output().contains("CKAN secret key"), "the same key: nothing to say: " + same.output());
        }
        try (ChildServer replaced = ChildServer.start(data, "--ckan-secret-key", "key-two")) {
            assertTrue(replaced.output().contains("CKAN secret key replaced from --ckan-secret-key; the old key no longer works\n"),
                    replaced.output());
            assertFalse(replaced.output().contains("key-two"), "the key is not printed");
            assertEquals(200, jobStatus(replaced, job, "key-two"));
            assertEquals(403, jobStatus(replaced, job, "key-one"));
        }
        try (ChildServer without = ChildServer.start(data)) {
            assertFalse(without.output().contains("CKAN secret key"), "the stored key is kept: " + without.output());
            assertEquals(200, jobStatus(without, job, "key-two"));
        }
    }

    private static int jobStatus(ChildServer s, String job, String key) throws Exception {
        return s.send(s.request("/job/" + job).header("Authorization", key).GET()).statusCode();
    }

    @Test
    void anAdminPasswordSetWhileItIsAlreadyThatWritesNothing() throws Exception {
        try (var fx = new ServerFixture()) {
            String journal = data(fx.dataDir);
            fx.restart(); // the fixture starts with the same admin password
            assertEquals(journal, data(fx.dataDir), "no user record written");
            assertNull(fx.server.bootstrap());
            assertNotNull(fx.server.adminPasswordChange());
            KazooClient.admin(fx);
        }
    }

    private static String data(Path dir) throws Exception {
        String all = java.nio.file.Files.readString(dir.resolve("journal.jsonl"));
        int nul = all.indexOf('\0');
        return (nul < 0 ? all : all.substring(0, nul)).replaceAll("\\{\"k\":\"token\"[^\n]*\n", "");
    }
}
