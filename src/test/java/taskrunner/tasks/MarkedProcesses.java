package taskrunner.tasks;

import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a test's processes by a marker argument (a sleep length no one else uses, such as
 * {@code 37.482913}), through {@link ProcessHandle#allProcesses()}, so a test sees them
 * whether or not they are still in the tree that started them.
 */
final class MarkedProcesses {
    private MarkedProcesses() {}

    /** A fresh marker that is also a valid {@code sleep} argument of 37 seconds and a bit. */
    static String newMarker() {
        return "37." + (100_000 + ThreadLocalRandom.current().nextInt(900_000));
    }

    /** Live processes with the marker as one of their arguments. */
    static List<ProcessHandle> alive(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> Arrays.asList(a).contains(marker)).orElse(false))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    static void awaitAtLeast(String marker, int n, Duration timeout) throws InterruptedException {
        ServerFixture.await(n + " processes marked " + marker, timeout, () -> alive(marker).size() >= n);
    }

    /** Polls until no process with the marker is left; fails naming the ones that stay. */
    static void awaitNone(String marker, Duration timeout) throws InterruptedException {
        try {
            ServerFixture.await("no process marked " + marker, timeout, () -> alive(marker).isEmpty());
        } catch (AssertionError e) {
            var left = alive(marker).stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
            throw new AssertionError("still running: " + left, e);
        }
    }
}
