package taskrunner;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.support.ChildServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * README.md's shell blocks, run as written against real servers, so that README and server
 * cannot drift apart. The README's walkthroughs are these blocks; there is no second copy.
 *
 * <p>The rule: every {@code ```sh} block of README.md runs, except a block whose previous
 * line is {@code <!-- not run: <reason> -->} (the build's own commands, a start that needs a
 * CKAN site). A block that is not a command to paste (a synopsis, sample output) is
 * {@code ```text}. The blocks of one {@code ## } section run in README order in one
 * {@code bash} with {@code set -euo pipefail}, so what one block sets the next one uses, and
 * the bash must exit 0. A section that needs a server starts its own in the background,
 * {@code ./build.sh run --port 88xx --data "$(mktemp -d)" ...}, and waits for
 * {@code /healthz}: a port of its own from 8801-8806, fixed so the text reads plainly and
 * chosen away from 8000 (a server of the reader's own) and from the ephemeral range (where
 * port-0 servers of other tests land).
 *
 * <p>Each section runs in a fresh temp directory made to look like the top of a clone: its
 * {@code build.sh} is a stub whose {@code run} starts {@code taskrunner.Main} from this build's
 * classes ({@code target/taskrunner.jar} is made only after the tests), {@code scripts}
 * links to the real one, and {@code TMPDIR} points into it. The bash leads a process group of its own ({@code setsid}); whatever
 * the section leaves running, a server or the CKAN callback receiver, ends with that group.
 * {@link #EXPECTED} names, per section, text its output must hold; a section with blocks and
 * no entry there fails, so a new walkthrough gets checks with its first block.
 */
class ReadmeBlocksTest {
    static final Path README = Path.of("README.md");
    static final String NOT_RUN = "<!-- not run: ";

    /** Per {@code ## } section that has blocks to run: text its output must hold. */
    static final Map<String, List<String>> EXPECTED = Map.of(
            "Dashboard", List.of("\"face\":\"kazoo\",\"type\":\"examples/sleep\"", "\"status\":\"running\"",
                    "\"counts\":{"),
            "Kazoo Tasks: walkthrough", List.of("\"ann\",\"ann@example.com\",", "\"status\":\"stopped\"",
                    "after delete: HTTP 404"),
            "CKAN Service Provider face", List.of("\"data\": \">hello\"", "\"data\": \"Slept for 1 seconds.\"",
                    "POST /hook Authorization: my-key", "{\"list\":[\"/job/job1\"]}", "{\"error\": \"Malformed json\"}",
                    "\"is_anonymous\":false,\"name\":\"admin\"", "{\"success\": true}"),
            "EntryScape face: Taskrunner, with the EntryStore and RowStore parts it needs", List.of(
                    "Login successful", "{\"entryId\":\"1\"}", "\"status\":3", "\"rowcount\":2",
                    "{\"station\":\"B\",\"value\":\"2\"}],\"limit\":100,\"offset\":0,\"resultCount\":2",
                    "\"status\":\"Success\",\"type\":\"addFile\"", "{\"station\":\"D\",\"value\":\"4\"}",
                    "\"status\":\"Success\",\"type\":\"replaceFile\"", "{\"station\":\"E\",\"value\":\"50\"}"),
            "Stopping, backing up, restoring and moving the data directory", List.of(
                    "{\"backup\":\"", "\"total\":1"));

    record Section(String title, List<String> blocks) {}

    /** The blocks to run, by {@code ## } section, in README order (sections without any left out). */
    static List<Section> sections() throws Exception {
        var sections = new ArrayList<Section>();
        String title = null;
        List<String> blocks = null;
        List<String> lines = Files.readAllLines(README);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                title = line.substring(3).strip();
                blocks = new ArrayList<>();
                sections.add(new Section(title, blocks));
            } else if (line.equals("```sh")) {
                var block = new StringBuilder();
                int open = i;
                while (!lines.get(++i).equals("```")) block.append(lines.get(i)).append('\n');
                if (open > 0 && lines.get(open - 1).startsWith(NOT_RUN)) continue;
                assertNotNull(blocks, "a sh block before the first ## section, line " + (open + 1) + ", not marked " + NOT_RUN);
                blocks.add(block.toString());
            }
        }
        sections.removeIf(s -> s.blocks().isEmpty());
        return sections;
    }

    @Test
    void everySectionWithBlocksHasExpectations() throws Exception {
        var titles = sections().stream().map(Section::title).toList();
        assertEquals(new java.util.TreeSet<>(EXPECTED.keySet()), new java.util.TreeSet<>(titles));
    }

    @Test
    void noShellBlockHoldsAPlaceholder() throws Exception {
        for (Section s : sections()) {
            for (String block : s.blocks()) {
                for (String placeholder : List.of("…", "***", "=...", "[--")) {
                    String commands = String.join("\n", block.lines().filter(l -> !l.strip().startsWith("#"))
                            .map(l -> l.replaceAll("\\s+#.*", "")).toList());
                    assertFalse(commands.contains(placeholder), s.title() + ": a placeholder " + placeholder + " in\n" + block);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> eachSectionRunsAsWritten(@TempDir Path tmp) throws Exception {
        return sections().stream().map(s -> DynamicTest.dynamicTest(s.title(), () -> runSection(s, tmp)));
    }

    static void runSection(Section section, Path tmp) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "section");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stub = dir.resolve("build.sh");
        Files.writeString(stub, """
                #!/usr/bin/env bash
                # ReadmeBlocksTest's stand-in for ./build.sh: run starts the server from the tested classes
                [ "${1:-}" = run ] || { echo "stub build.sh: only run" >&2; exit 2; }
                shift
                exec '%s' -Xmx256m -cp '%s' taskrunner.Main "$@"
                """.formatted(java, ChildServer.classpath()));
        assertTrue(stub.toFile().setExecutable(true));
        Files.createSymbolicLink(dir.resolve("scripts"), Path.of("scripts").toAbsolutePath());
        var script = new StringBuilder("set -euo pipefail\n");
        for (String block : section.blocks()) script.append(block).append('\n');
        Path file = dir.resolve("section.sh");
        Files.writeString(file, script);

        var pb = new ProcessBuilder("setsid", "bash", file.toString()).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("TMPDIR", dir.toString()); // the blocks' mktemp -d data directories go with the test's
        Process p = pb.start();
        var out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "";
            }
        });
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        // setsid made the bash a process group leader: end what the section left running
        new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        String output = out.get(30, TimeUnit.SECONDS);
        String shown = output + serverLogs(dir);
        assertTrue(ended, section.title() + ": did not end within 180 s\n" + shown);
        assertEquals(0, p.exitValue(), section.title() + ": exit status\n" + shown);
        for (String expected : EXPECTED.get(section.title()))
            assertTrue(output.contains(expected), section.title() + ": no " + expected + " in\n" + shown);
    }

    /** The logs the sections' servers wrote (their *.log files), for a failure's message. */
    static String serverLogs(Path dir) throws Exception {
        var logs = new LinkedHashMap<String, String>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList())
                logs.put(f.getFileName().toString(), Files.readString(f));
        }
        var text = new StringBuilder();
        logs.forEach((name, log) -> text.append("\n--- ").append(name).append(":\n").append(log));
        return text.toString();
    }
}
