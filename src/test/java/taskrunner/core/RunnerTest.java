package taskrunner.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class RunnerTest {
    @Test
    void aFullRunnerQueuesInOrderAndFailsNothing() throws Exception {
        var runner = new Runner(1, 100);
        var order = new CopyOnWriteArrayList<String>();
        var release = new CountDownLatch(1);
        var allDone = new CountDownLatch(4);
        runner.submit("first", c -> {
            release.await();
            order.add("first");
            allDone.countDown();
        });
        for (String id : List.of("a", "b", "c")) {
            assertTrue(runner.submit(id, c -> {
                order.add(id);
                allDone.countDown();
            }));
        }
        assertEquals(3, runner.waiting());
        release.countDown();
        assertTrue(allDone.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first", "a", "b", "c"), order);
    }

    @Test
    void anActiveIdCannotBeSubmittedTwiceAndAFullQueueIsRefused() throws Exception {
        var runner = new Runner(1, 1);
        var release = new CountDownLatch(1);
        assertTrue(runner.submit("x", c -> release.await()));
        assertFalse(runner.submit("x", c -> {}));
        assertTrue(runner.submit("y", c -> {}));
        assertThrows(Runner.QueueFull.class, () -> runner.submit("z", c -> {}));
        release.countDown();
    }

    @Test
    void aTaskStoppedWhileQueuedRecordsItsStopAtOnce() throws Exception {
        var runner = new Runner(1, 10);
        var release = new CountDownLatch(1);
        runner.submit("busy", c -> release.await());
        var sawStop = new CountDownLatch(1);
        runner.submit("queued", c -> {
            if (c.get() && Thread.currentThread().isInterrupted()) sawStop.countDown();
        });
        assertEquals(1, runner.waiting());
        assertTrue(runner.stop("queued", 5000));
        assertTrue(sawStop.await(1, TimeUnit.SECONDS));
        assertEquals(0, runner.waiting());
        assertFalse(runner.isActive("queued"));
        release.countDown();
    }

    @Test
    void stopInterruptsAndSetsTheFlag() throws Exception {
        var runner = new Runner(2, 10);
        var sawFlag = new CountDownLatch(1);
        runner.submit("s", c -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                if (c.get()) sawFlag.countDown();
            }
        });
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!runner.isActive("s") && System.nanoTime() < end) Thread.onSpinWait();
        assertTrue(runner.stop("s", 5000));
        assertTrue(sawFlag.await(1, TimeUnit.SECONDS));
        assertFalse(runner.isActive("s"));
        assertFalse(runner.stop("s", 10), "not active any more");
    }
}
