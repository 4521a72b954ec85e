package taskrunner.store;

import org.junit.jupiter.api.Test;
import taskrunner.TaskServer;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** What the server writes is its user's alone: directories 0700, files 0600, whatever the umask. */
class OwnerOnlyTest {
    @Test
    void theDataDirectoryAndEveryFileInItAreTheOwnersOnly() throws Exception {
        Path parent = Files.createTempDirectory("owner-only");
        Path data = parent.resolve("data");
        try (var fx = new ServerFixture(b -> b.dataDir(data))) {
            var admin = KazooClient.admin(fx);
            admin.createCsv("examples", "echo", "v\n" + "x".repeat(10_000) + "\n"); // over the inline size: a blob file
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            try (Stream<Path> all = Files.walk(data)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
                }
            }
            try (Stream<Path> blobs = Files.list(data.resolve("blobs"))) {
                assertTrue(blobs.anyMatch(Files::isRegularFile), "the test made a blob file");
            }
        }
    }
}
