package taskrunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Runs the README's curl walkthrough scripts, as written, against a real server. */
class WalkthroughScriptTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static String run(String script) throws Exception {
        Path path = Path.of("scripts", script);
        assertTrue(Files.isExecutable(path), path + " is executable");
        var pb = new ProcessBuilder("bash", path.toString()).redirectErrorStream(true);
        pb.environment().put("TASKRUNNER_URL", fx.server.uri().toString().replaceAll("/$", ""));
        pb.environment().put("ADMIN_PASSWORD", ServerFixture.ADMIN_PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void kazooWalkthroughRunsAsWritten() throws Exception {
        String out = run("kazoo-walkthrough.sh");
        assertTrue(out.contains("\"ann\",\"ann@example.com\","), out);
        assertTrue(out.contains("\"status\":\"stopped\""), out);
        assertTrue(out.contains("after delete: HTTP 404"), out);
    }
}
