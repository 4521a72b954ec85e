package taskrunner.tasks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessTreeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<ProcessTree> started = new ArrayList<>();

    @AfterEach
    void endAll() {
        started.forEach(ProcessTree::kill);
    }

    private ProcessTree start(Duration grace, String script, String marker) throws IOException {
        var tree = ProcessTree.start(new ProcessBuilder("sh", "-c", script, marker), grace);
        started.add(tree);
        return tree;
    }

    @Test
    void killEndsTheChildAndTheGrandchildrenItStarted() throws Exception {
        String m = MarkedProcesses.newMarker();
        var tree = start(ProcessTree.GRACE, "sleep \"$0\" & sleep \"$0\"; wait", m);
        MarkedProcesses.awaitAtLeast(m, 3, WAIT); // sh and both sleeps
        tree.kill();
        assertFalse(tree.process().isAlive());
        MarkedProcesses.awaitNone(m, WAIT);
    }

    @Test
    void aGrandchildThatLeftTheTreeIsEndedThroughTheSession() throws Exception {
        assumeTrue(ProcessTree.ownSessions(), "no working setsid here");
        String m = MarkedProcesses.newMarker();
        // the subshell exits at once, so its sleep moves to PID 1: only the session still holds it
        var tree = start(ProcessTree.GRACE, "(sleep \"$0\" &); sleep \"$0\"", m);
        MarkedProcesses.awaitAtLeast(m, 2, WAIT);
        assertTrue(MarkedProcesses.alive(m).stream().anyMatch(h -> tree.process().descendants().noneMatch(h::equals)),
                "one sleep is outside the tree");
        tree.kill();
        MarkedProcesses.awaitNone(m, WAIT);
    }

    @Test
    void aTreeThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        String m = MarkedProcesses.newMarker();
        // an ignored signal stays ignored across fork and exec, so the sleeps ignore TERM too
        var tree = start(Duration.ofMillis(200), "trap '' TERM; sleep \"$0\" & sleep \"$0\"; wait", m);
        MarkedProcesses.awaitAtLeast(m, 3, WAIT);
        tree.kill();
        MarkedProcesses.awaitNone(m, WAIT);
    }

    @Test
    void anInterruptedCallerStillEndsTheTreeAndKeepsItsInterrupt() throws Exception {
        String m = MarkedProcesses.newMarker();
        var tree = start(ProcessTree.GRACE, "trap '' TERM; sleep \"$0\" & sleep \"$0\"; wait", m);
        MarkedProcesses.awaitAtLeast(m, 3, WAIT);
        Thread.currentThread().interrupt();
        tree.kill();
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        MarkedProcesses.awaitNone(m, WAIT);
    }

    @Test
    void aProgramThatIsNotFoundFailsToStartAsWithoutASession() {
        assertThrows(IOException.class, () -> ProcessTree.start(new ProcessBuilder("no-such-program-" + MarkedProcesses.newMarker())));
    }
}
