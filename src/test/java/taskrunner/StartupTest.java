package taskrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a start refuses, and how: a data directory in use, a busy port, a bad tasks file, an
 * unreadable journal, a bad address are each one line on stderr and exit status 1, with
 * nothing written to a new data directory before the port was bound.
 */
class StartupTest {
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(5);

    /** The one line a refused start printed (failing unless it printed exactly one). */
    private static String oneLine(ChildServer.Exit exit) {
        assertEquals(1, exit.status(), exit.output());
        assertEquals(1, exit.output().lines().count(), "one line, no stack trace: " + exit.output());
        return exit.output().strip();
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedAndTheFirstIsUntouched() throws Exception {
        try (var fx = new ServerFixture()) {
            var admin = KazooClient.admin(fx);
            var second = TaskServer.builder().port(0).dataDir(fx.dataDir).adminPassword("other").build();
            var e = assertThrows(taskrunner.StartFailure.DataDirInUse.class, second::start);
            assertTrue(e.getMessage().contains("in use by another server (pid " + ProcessHandle.current().pid() + ", since "),
                    e.getMessage());
            // the first still writes and reads, and admin's password is its own
            String id = admin.createCsv("examples", "echo", "a\n1\n");
            assertEquals(id, admin.task(id).get("id"));
            KazooClient.admin(fx);
            // once it is closed, the directory is free again
            fx.restart();
            assertEquals(id, KazooClient.admin(fx).task(id).get("id"));
        }
    }

    @Test
    void aSecondProcessOnTheSameDataDirectoryExitsAtOnceNamingTheHolder(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (ChildServer first = ChildServer.start(data)) {
            String line = oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--data", data.toString()));
            assertTrue(line.matches("taskrunner: data directory " + java.util.regex.Pattern.quote(data.toString())
                    + " is in use by another server \\(pid " + first.process.pid()
                    + ", since \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\\); stop it or use --data DIR"), line);
            var admin = KazooClient.admin(first);
            String id = admin.createCsv("examples", "echo", "a\n1\n");
            assertEquals(id, admin.task(id).get("id"));
        }
    }

    @Test
    void aBusyPortIsOneLineAndWritesNothingToANewDataDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("new-data");
        try (var taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            String line = oneLine(ChildServer.run(REFUSED_WITHIN, "--port", Integer.toString(port), "--data", data.toString()));
            assertEquals("taskrunner: port " + port + " is in use on 127.0.0.1; try --port N", line);
            assertFalse(Files.exists(data), "nothing written before the port is bound");
        }
        // so the password of a later first start is the one it is given
        try (ChildServer later = ChildServer.start(data, "--admin-password", "later-pw-1")) {
            var admin = new KazooClient(later).login("admin", "later-pw-1");
            assertNotNull(admin.token);
        }
    }

    @Test
    void aMissingOrMalformedTasksFileIsOneLineNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path missing = dir.resolve("missing.json");
        assertEquals("taskrunner: tasks file " + missing + " does not exist; check --tasks FILE",
                oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--data", data.toString(), "--tasks", missing.toString())));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"tasks\": [\n");
        String line = oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--data", data.toString(), "--tasks", broken.toString()));
        assertTrue(line.startsWith("taskrunner: tasks file " + broken + " is not usable: not JSON: "), line);
        Path noArgv = Files.writeString(dir.resolve("noargv.json"), "{\"tasks\": [{\"category\": \"c\", \"action\": \"a\"}]}");
        line = oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--data", data.toString(), "--tasks", noArgv.toString()));
        assertTrue(line.startsWith("taskrunner: tasks file " + noArgv + " is not usable: task 1"), line);
        assertFalse(Files.exists(data));
    }

    @Test
    void anUnreadableJournalIsOneLineSayingWhatToDoAndChangesNothing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (var s = TaskServer.builder().port(0).dataDir(data).adminPassword("pw").build().start()) {
            assertNotNull(s.bootstrap());
        }
        Path journal = data.resolve("journal.jsonl");
        byte[] bytes = Files.readAllBytes(journal);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        var damaged = new java.io.ByteArrayOutputStream();
        damaged.write(bytes, 0, end);
        damaged.writeBytes("not a journal line\n{\"k\":\"token\",\"id\":\"t\",\"del\":true}\n".getBytes());
        Files.write(journal, damaged.toByteArray());
        byte[] before = Files.readAllBytes(journal);

        String line = oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--data", data.toString()));
        assertTrue(line.startsWith("taskrunner: " + journal + ": unreadable line after byte " + end + "; nothing was changed: "
                + "restore a backup"), line);
        assertTrue(line.contains("truncate -s " + end + " " + journal), line);
        assertArrayEquals(before, Files.readAllBytes(journal));
    }

    @Test
    void aBadBindAddressIsOneLine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals("taskrunner: bind address no-such-host.invalid is not a known address; use --bind ADDR",
                oneLine(ChildServer.run(REFUSED_WITHIN, "--port", "0", "--bind", "no-such-host.invalid", "--data", data.toString())));
        assertFalse(Files.exists(data));
    }
}
