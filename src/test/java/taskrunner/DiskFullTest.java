package taskrunner;

import org.junit.jupiter.api.Test;
import taskrunner.support.ChildServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real server process on a 16 MiB tmpfs that the test fills: writes are refused with 507
 * in the face's envelope and leave no file behind, reads go on, writes succeed again once
 * space is freed (no restart), and a restart on the full disk starts and serves reads.
 * Needs root (to mount); skipped otherwise.
 */
class DiskFullTest {

    @Test
    void aFullDiskRefusesWritesWith507KeepsReadsAndComesBackWithoutARestart() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "needs Linux's tmpfs");
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root to mount a tmpfs");
        Path mount = Files.createTempDirectory("taskrunner-full");
        String why = run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
        if (why != null) Files.delete(mount);
        assumeTrue(why == null, () -> "could not mount a tmpfs: " + why);
        try {
            diskFull(mount);
        } finally {
            String left = run("umount", mount.toString());
            if (left != null) run("umount", "-l", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void diskFull(Path mount) throws Exception {
        Path data = mount.resolve("data");
        Path filler = mount.resolve("filler");
        String big = csv(2000); // ~100 KB: a blob file
        String small = csv(70); // ~3.3 KB: inline in a journal line longer than a page
        KazooClient kazoo;
        String id;
        String after;
        try (ChildServer s = ChildServer.start(data)) {
            kazoo = KazooClient.admin(s);
            id = kazoo.createCsv("examples", "echo", big);
            fill(filler);

            // Kazoo: an upload that needs a blob file, then one that needs only its journal line
            for (String body : List.of(big, small)) {
                var r = kazoo.send("PUT", create(kazoo), "text/csv", body);
                assertEquals(507, r.statusCode(), r.body());
                var envelope = ServerFixture.json(r.body());
                assertEquals("error", envelope.get("status"));
                assertEquals("507", envelope.get("error"));
                assertTrue(((String) envelope.get("message")).contains("No space left on device"), r.body());
            }
            assertEquals(List.of(), list(data.resolve("blobs/tmp")), "a failed upload leaves no file");
            assertEquals(List.of(), list(data.resolve("blobs/work")));

            // CKAN: its JSON error
            var ckan = s.send(s.request("/job").header("Content-Type", "application/json").POST(
                    HttpRequest.BodyPublishers.ofString("{\"job_type\":\"echo\",\"api_key\":\"k\",\"data\":\"" + "z".repeat(6000) + "\"}")));
            assertEquals(507, ckan.statusCode(), ckan.body());
            assertTrue(((String) ServerFixture.json(ckan.body()).get("error")).contains("No space left on device"), ckan.body());

            assertReads(kazoo, id, big);

            Files.delete(filler);
            var created = new String[1];
            ServerFixture.await("a write once space is back", Duration.ofSeconds(10), () -> {
                try {
                    var r = kazoo.send("PUT", create(kazoo), "text/csv", big);
                    if (r.statusCode() == 201) created[0] = (String) KazooClient.readOnly(r).get("id");
                    else assertEquals(507, r.statusCode(), r.body());
                    return r.statusCode() == 201;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            after = created[0];
            assertNotNull(kazoo.createCsv("examples", "echo", small));

            // a blob committed whose journal line a crash prevented: swept at the next start
            Files.write(data.resolve("blobs").resolve("0123456789abcdef0123456789abcdef"), new byte[50_000]);
            fill(filler);
        } // killed, as a crash would, on the full disk

        try (ChildServer again = ChildServer.start(data)) {
            var k = new KazooClient(again);
            k.token = kazoo.token; // logging in would be a write
            k.accountId = kazoo.accountId;
            assertReads(k, id, big);
            assertReads(k, after, big);
            assertFalse(Files.exists(data.resolve("blobs").resolve("0123456789abcdef0123456789abcdef")), "swept");
            fill(filler); // the sweep freed its bytes
            assertEquals(507, k.send("PUT", create(k), "text/csv", small).statusCode());
        }
    }

    private static String create(KazooClient k) {
        return k.tasksPath() + "?category=examples&action=echo";
    }

    private static void assertReads(KazooClient k, String id, String csv) throws Exception {
        assertEquals(id, k.task(id).get("id"));
        HttpResponse<String> in = k.get(k.tasksPath() + "/" + id + "/input", "text/csv");
        assertEquals(200, in.statusCode(), in.body());
        assertEquals(csv, in.body());
    }

    private static String csv(int rows) {
        var b = new StringBuilder("name,value\n");
        for (int i = 0; i < rows; i++) b.append("row").append(i).append(',').append("x".repeat(40)).append('\n');
        return b.toString();
    }

    /** Appends zeros to {@code file} until the disk refuses more, as dd would. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            while (true) out.write(chunk);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) throw e;
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Runs a command; null if it succeeded, else its output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + ": timed out";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": " + out.trim();
    }
}
