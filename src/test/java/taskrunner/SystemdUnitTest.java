package taskrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped systemd unit ({@code scripts/taskrunner.service}): systemd itself accepts it,
 * it runs a Java 21+ binary, counts the JVM's SIGTERM status as success, and takes its
 * secrets from an EnvironmentFile, never from the unit.
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("scripts", "taskrunner.service");
    static final String JDK_LINK = "/opt/taskrunner/jdk";

    static List<String> lines() throws Exception {
        return Files.readAllLines(UNIT).stream().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void systemdAcceptsTheUnitWithAJdk21InPlace(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        // The unit runs the JDK linked at /opt/taskrunner/jdk; here, the JDK running this test (21 or newer).
        String unit = Files.readString(UNIT).replace(JDK_LINK, System.getProperty("java.home"));
        Path copy = dir.resolve("taskrunner.service");
        Files.writeString(copy, unit);
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no warnings");
    }

    @Test
    void itRunsTheLinkedJdkAndNotTheSystemJava() throws Exception {
        var exec = lines().stream().filter(l -> l.startsWith("ExecStart=")).toList();
        assertEquals(1, exec.size());
        assertTrue(exec.get(0).startsWith("ExecStart=" + JDK_LINK + "/bin/java "), exec.get(0));
        assertTrue(Files.readString(UNIT).contains("ln -sfn /usr/lib/jvm/temurin-25-jdk-amd64 " + JDK_LINK),
                "the install steps make the link to a JDK 21 or newer");
    }

    @Test
    void theJvmsSigtermStatusIsSuccess() throws Exception {
        assertTrue(lines().contains("SuccessExitStatus=143"));
    }

    @Test
    void secretsComeFromAnEnvironmentFileOnly() throws Exception {
        assertTrue(lines().contains("EnvironmentFile=/etc/taskrunner/env"));
        for (String l : lines()) {
            if (!l.startsWith("Environment=") && !l.startsWith("ExecStart=")) continue;
            for (String secret : List.of("PASSWORD", "SECRET", "API_KEY", "--admin-password", "--ckan-secret-key")) {
                assertFalse(l.toUpperCase().contains(secret.toUpperCase()), "a secret in the unit: " + l);
            }
        }
    }
}
