package taskrunner.ckan;

import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** An erased api_key leaves the data directory too, not only the live record. */
@SingleServer("reads the journal file, which a server on PostgreSQL does not write")
class CkanApiKeyScrubTest {
    private static boolean onDisk(Path dir, String secret) {
        String[] files;
        try (var list = Files.list(dir)) {
            // the snapshot (binary: its strings are UTF-8 as they are), the journal and any sealed segment
            files = list.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("journal") || f.startsWith("snapshot"))
                    .toArray(String[]::new);
        } catch (java.io.IOException e) {
            return true;
        }
        for (String f : files) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p) && new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(secret)) return true;
            } catch (java.io.IOException e) {
                return true; // being replaced right now: ask again
            }
        }
        return false;
    }

    @Test
    void theRawApiKeyIsCompactedOutOfTheJournalSoonAfterTheJobEnds() throws Exception {
        try (var fx = new ServerFixture(b -> b.configure(c -> c.erasedSecretCompactionS(1)))) {
            var c = new CkanClient(fx);
            String secret = "scrub-me-" + System.nanoTime();
            var j = c.submit("/job/scrub1", Map.of("job_type", "sleep", "api_key", secret, "data", Map.of("time", 0.3)));
            assertTrue(onDisk(fx.dataDir, secret), "journaled while the job may need it");
            c.awaitDone("scrub1", (String) j.get("job_key"));
            ServerFixture.await("the api_key to leave the journal", Duration.ofSeconds(15), () -> !onDisk(fx.dataDir, secret));
            assertEquals("complete", c.job("scrub1", (String) j.get("job_key")).get("status"), "the job itself is kept");
        }
    }
}
