package taskrunner;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jar's entry point ({@link Launcher}): an older java says in one line that Java 21 is
 * needed; a current one runs {@link Main} as before.
 */
class LauncherTest {
    static final Path CLASSES = Path.of(System.getProperty("taskrunner.classes", "target/classes"));

    record Run(int status, String out, String err) {}

    static Run run(Path java, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp", CLASSES.toString(), "taskrunner.Launcher"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** A JDK older than 21 among /usr/lib/jvm (this machine's default java is 17). */
    static Optional<Path> olderJava() throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(jvm)) {
            for (Path d : dirs.sorted().toList()) {
                Path release = d.resolve("release"), java = d.resolve("bin/java");
                if (!Files.isRegularFile(release) || !Files.isExecutable(java)) continue;
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")
                            && Launcher.feature(line.substring("JAVA_VERSION=".length()).replace("\"", "")) < Launcher.NEEDED) {
                        return Optional.of(java);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void anOlderJavaSaysInOneLineWhatIsNeeded() throws Exception {
        var old = olderJava();
        assumeTrue(old.isPresent(), "no JDK older than 21 in /usr/lib/jvm");
        Run r = run(old.get(), "--port", "0");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        var lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("taskrunner needs Java 21 or newer; this is Java "), lines.get(0));
    }

    @Test
    void aCurrentJavaRunsMain() throws Exception {
        Run r = run(Path.of(System.getProperty("java.home"), "bin", "java"), "--help");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("usage: java -jar taskrunner.jar"), r.out());
    }

    @Test
    void theJarStartsAtTheLauncher() throws Exception {
        assertTrue(Files.readString(Path.of("pom.xml")).contains("<mainClass>taskrunner.Launcher</mainClass>"),
                "the manifest names the launcher, so an old java reaches it");
    }

    @Test
    void versionsAreReadInBothSchemes() {
        assertEquals(8, Launcher.feature("1.8"));
        assertEquals(17, Launcher.feature("17"));
        assertEquals(21, Launcher.feature("21.0.2"));
        assertEquals(0, Launcher.feature("x"));
    }
}
