package taskrunner.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar is started with one set of JVM flags wherever it is launched: {@code ./build.sh run}
 * (and the bench's JVM), the systemd unit, and the start figures of {@link PerfTable}; so the
 * figures README shows are those of the server an operator runs.
 */
class LaunchFlagsTest {
    private static final String FLAGS = String.join(" ", PerfTable.JVM_FLAGS);

    @Test
    void buildShRunsTheJarAndTheBenchWithTheBenchsFlags() throws Exception {
        String build = Files.readString(Path.of("build.sh"));
        assertTrue(build.contains("\nJVM_FLAGS=\"" + FLAGS + "\"\n"), "build.sh sets JVM_FLAGS=\"" + FLAGS + "\"");
        long launches = build.lines().filter(l -> l.contains("exec \"$JAVA_HOME/bin/java\"")).count();
        long withFlags = build.lines().filter(l -> l.contains("exec \"$JAVA_HOME/bin/java\" $JVM_FLAGS ")).count();
        assertEquals(launches, withFlags, "every java that build.sh starts gets $JVM_FLAGS");
    }

    @Test
    void theSystemdUnitStartsTheJarWithTheSameFlags() throws Exception {
        String exec = Files.readAllLines(Path.of("scripts", "taskrunner.service")).stream()
                .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.contains(" " + FLAGS + " "), exec);
    }
}
