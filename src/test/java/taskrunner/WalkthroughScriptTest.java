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

/** Runs the README's curl walkthrough scripts (Kazoo, EntryScape), as written, against a real server. */
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

    static String run(String script, String baseUrl) throws Exception {
        Path path = Path.of("scripts", script);
        assertTrue(Files.isExecutable(path), path + " is executable");
        var pb = new ProcessBuilder("bash", path.toString()).redirectErrorStream(true);
        pb.environment().put("TASKRUNNER_URL", baseUrl);
        pb.environment().put("ADMIN_PASSWORD", ServerFixture.ADMIN_PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void kazooWalkthroughRunsAsWritten() throws Exception {
        String out = run("kazoo-walkthrough.sh", fx.server.uri().toString().replaceAll("/$", ""));
        assertTrue(out.contains("\"ann\",\"ann@example.com\","), out);
        assertTrue(out.contains("\"status\":\"stopped\""), out);
        assertTrue(out.contains("after delete: HTTP 404"), out);
    }

    @Test
    void entryScapeWalkthroughRunsAsWrittenAndShowsTheApiBeforeAndAfter() throws Exception {
        String out = run("entryscape-walkthrough.sh", fx.server.uri().toString());
        String api = out.substring(out.indexOf("== 4."), out.indexOf("== 5."));
        assertTrue(api.contains("{\"result\":[\"" + fx.server.uri() + "store/1/entry/"), api);
        assertTrue(api.contains("\"status\":3") && api.contains("\"rowcount\":2"), "the dataset's /info through the proxy: " + api);
        String before = out.substring(out.indexOf("== 5."), out.indexOf("== 6."));
        assertTrue(before.contains("\"resultCount\":2"), before);
        String afterAdd = out.substring(out.indexOf("== 7."), out.indexOf("== 8."));
        assertTrue(afterAdd.contains("{\"station\":\"D\",\"value\":\"4\"}") && afterAdd.contains("\"resultCount\":4"), afterAdd);
        String afterReplace = out.substring(out.indexOf("== 9."));
        assertTrue(afterReplace.contains("{\"station\":\"A\",\"value\":\"10\"}") && afterReplace.contains("\"resultCount\":5"), afterReplace);
        assertTrue(out.contains("\"status\":\"Success\",\"type\":\"addFile\""), out);
        assertTrue(out.contains("\"status\":\"Success\",\"type\":\"replaceFile\""), out);
    }

    /**
     * The README's step 4 (the API through the rowstore pipeline) is what the script runs: each
     * of its command lines is a line of the script, in the same order (its {@code #} lines are
     * sample answers; the script may add checks between them).
     */
    @Test
    void theReadmesEntryScapeStepFourIsTheScriptsLineForLine() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int step = readme.indexOf("**4. The API**");
        assertTrue(step > 0, "README has the EntryScape step 4");
        int open = readme.indexOf("```sh\n", step) + "```sh\n".length();
        String block = readme.substring(open, readme.indexOf("```", open));
        var commands = block.lines().filter(l -> !l.startsWith("#")).toList();
        var script = Files.readAllLines(Path.of("scripts", "entryscape-walkthrough.sh"));
        int matched = 0;
        for (String line : script) if (matched < commands.size() && line.equals(commands.get(matched))) matched++;
        assertTrue(commands.size() > 5, block);
        assertEquals(commands.size(), matched, "README line not in the script, in order: "
                + (matched < commands.size() ? commands.get(matched) : ""));
    }
}
