package taskrunner.entryscape;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * MetaSolutions' own client, {@code @entryscape/entrystore-js} 4.16.2 in node, unchanged,
 * against a real server over HTTP: {@code src/test/js/entrystore-js/scenarios.mjs} runs the
 * library's public API (login, user info and entry, a new context, a named entry, files,
 * a metadata commit, a stale second client refused with 412, referrers, a lookup by
 * resource URI, a Solr search, the proxy to a RowStore dataset's {@code /info}, a rowstore
 * pipeline, logout) and prints one JSON line per scenario; each scenario is one test here,
 * whose failure carries the error and the HTTP exchanges behind it.
 *
 * <p>{@code ./build.sh test} installs the library ({@code npm ci} into
 * {@code src/test/js/entrystore-js/node_modules}, pinned by its package-lock.json) before the
 * tests run; without node, or without the library, this test fails saying so.
 */
class EntryStoreJsTest {
    static final Path DIR = Path.of("src", "test", "js", "entrystore-js");
    static final String LIBRARY = "@entryscape/entrystore-js";
    static final String VERSION = "4.16.2";
    /** The whole run; the script gives each scenario 20 s of it. */
    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final String CTX = "esjs";
    static final int FILE_ROWS = 3;

    /** One scenario's line: {"name","ok","error","http"}. */
    record Outcome(String name, boolean ok, String error, List<String> http) {}

    /** What the script did: its plan, the outcomes in order, and how it ended. */
    record Run(List<String> plan, Map<String, Outcome> outcomes, String ending, String stdout, String stderr) {}

    @TestFactory
    Stream<DynamicTest> theLibraryWorksAgainstTheServerUnchanged() throws Exception {
        String node = requireLibrary();
        Run run;
        try (var fx = new ServerFixture()) {
            run = run(fixture(fx));
        }
        if (run.plan() == null) {
            fail("scenarios.mjs printed no plan (" + run.ending() + ", " + node + ")\nstdout:\n" + run.stdout()
                    + "\nstderr:\n" + run.stderr());
        }
        System.out.print(run.stdout()); // the record of every exchange, in the test's output file
        String stderr = run.stderr().isBlank() ? "" : "\nnode's stderr:\n" + run.stderr().strip();
        // Surefire's summary names dynamic tests by index, so each message starts with its scenario.
        return run.plan().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Outcome o = run.outcomes().get(name);
            if (o == null) fail(name + ": no outcome: the script " + run.ending() + " before this scenario ended" + stderr);
            if (!o.ok()) fail(name + ": " + o.error() + "\nHTTP exchanges of the scenario:\n  " + String.join("\n  ", o.http()) + stderr);
        }));
    }

    /** node on PATH and the pinned library installed, or a failure saying what to do; returns node's version. */
    static String requireLibrary() throws Exception {
        String version;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) fail("node --version did not answer: " + version);
        } catch (IOException e) {
            return fail("node is not on PATH: this test runs " + LIBRARY + " in node. Install Node.js 18 or newer with npm"
                    + " (apt-get install nodejs npm); ./build.sh test then installs the library.");
        }
        Path pkg = DIR.resolve("node_modules").resolve(LIBRARY).resolve("package.json");
        if (!Files.exists(pkg)) {
            fail(LIBRARY + " is not installed in " + DIR.resolve("node_modules") + ". ./build.sh test installs it"
                    + " (npm ci, which needs npm and the npm registry) before the tests; by hand: (cd " + DIR
                    + " && npm ci --ignore-scripts). node " + version);
        }
        Object installed = JSON.std.mapFrom(Files.readString(pkg)).get("version");
        assertEquals(VERSION, installed, LIBRARY + " installed in " + DIR + "/node_modules is not the pinned one;"
                + " ./build.sh test reinstalls it when package-lock.json changed");
        return "node " + version;
    }

    /**
     * A catalog as EntryScape makes it (ScapeClient.catalog: a distribution listing a file as
     * dcat:downloadURL, an API distribution over a RowStore dataset) and two named entries
     * for the metadata scenarios, made over HTTP; returns what the script needs to know.
     */
    static Map<String, Object> fixture(ServerFixture fx) throws Exception {
        var c = new ScapeClient(fx);
        String token = c.admin();
        var cat = c.catalog(token, CTX, ScapeClient.rows("station,value", "s", 1, FILE_ROWS));
        namedEntry(c, token, "md", "Described");
        namedEntry(c, token, "stale", "Contended");
        var f = new LinkedHashMap<String, Object>();
        f.put("store", c.base() + "store/");
        f.put("user", "admin");
        f.put("ctx", CTX);
        f.put("distEntry", lastSegment(cat.distUri()));
        f.put("distUri", cat.distUri());
        f.put("fileEntry", lastSegment(cat.fileUri()));
        f.put("fileUri", cat.fileUri());
        f.put("fileRows", FILE_ROWS);
        f.put("apiUri", cat.apiUri());
        f.put("datasetUrl", cat.datasetUrl());
        f.put("mdEntry", "md");
        f.put("staleEntry", "stale");
        return f;
    }

    static void namedEntry(ScapeClient c, String token, String id, String title) throws Exception {
        String resource = c.base() + "store/" + CTX + "/resource/" + id;
        var res = c.json("POST", "/store/" + CTX + "?id=" + id + "&informationresource=false", token, Map.of("metadata",
                Map.of(resource, Map.of(ScapeClient.DCT + "title", List.of(ScapeClient.lit(title))))));
        assertEquals(201, res.statusCode(), res.body());
    }

    static String lastSegment(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    /** Runs scenarios.mjs with the fixture, killed at the deadline, and reads its lines. */
    static Run run(Map<String, Object> fixture) throws Exception {
        Path out = Files.createTempFile("esjs", ".out");
        Path err = Files.createTempFile("esjs", ".err");
        try {
            var pb = new ProcessBuilder("node", "scenarios.mjs", JSON.std.asString(fixture)).directory(DIR.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("ESJS_PASSWORD", ServerFixture.ADMIN_PASSWORD);
            Process p = pb.start();
            p.getOutputStream().close();
            String ending;
            if (p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                ending = "exited with status " + p.exitValue();
            } else {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                ending = "was killed after " + DEADLINE.toSeconds() + " s";
            }
            String stdout = Files.readString(out);
            List<String> plan = null;
            var outcomes = new LinkedHashMap<String, Outcome>();
            for (String line : stdout.split("\n")) {
                if (!line.startsWith("{")) continue;
                Map<String, Object> m = JSON.std.mapFrom(line);
                if (m.containsKey("plan")) {
                    plan = strings(m.get("plan"));
                } else {
                    String name = (String) m.get("name");
                    outcomes.put(name, new Outcome(name, Boolean.TRUE.equals(m.get("ok")), (String) m.get("error"), strings(m.get("http"))));
                }
            }
            return new Run(plan, outcomes, ending, stdout, Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static List<String> strings(Object list) {
        var r = new ArrayList<String>();
        if (list instanceof List<?> l) for (Object o : l) r.add(String.valueOf(o));
        return r;
    }
}
