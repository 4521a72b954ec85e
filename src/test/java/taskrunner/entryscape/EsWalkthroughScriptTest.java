package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs README's EntryScape curl walkthrough script, as written, against a real server. */
class EsWalkthroughScriptTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void walkthroughRunsAsWrittenAndShowsTheApiBeforeAndAfter() throws Exception {
        Path script = Path.of("scripts", "entryscape-walkthrough.sh");
        assertTrue(Files.isExecutable(script), script + " is executable");
        var pb = new ProcessBuilder("bash", script.toString(), fx.server.uri().toString(), ServerFixture.ADMIN_PASSWORD)
                .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script finished");
        assertEquals(0, p.exitValue(), out);
        String before = out.substring(out.indexOf("== 5."), out.indexOf("== 6."));
        assertTrue(before.contains("\"resultCount\":2"), before);
        String afterAdd = out.substring(out.indexOf("== 7."), out.indexOf("== 8."));
        assertTrue(afterAdd.contains("{\"station\":\"D\",\"value\":\"4\"}") && afterAdd.contains("\"resultCount\":4"), afterAdd);
        String afterReplace = out.substring(out.indexOf("== 9."));
        assertTrue(afterReplace.contains("{\"station\":\"A\",\"value\":\"10\"}") && afterReplace.contains("\"resultCount\":5"), afterReplace);
        assertTrue(out.contains("\"status\":\"Success\",\"type\":\"addFile\""), out);
        assertTrue(out.contains("\"status\":\"Success\",\"type\":\"replaceFile\""), out);
    }
}
