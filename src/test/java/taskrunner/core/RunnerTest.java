package taskrunner.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class RunnerTest {
    private static void run(Runner runner, String id, Runner.Body body) {
        Runner.Ticket t = runner.admit(id);
        assertNotNull(t, id + " admitted");
        t.go(body);
    }

    @Test
    void aFullRunnerQueuesInOrderAndFailsNothing() throws Exception {
        var runner = new Runner(1, 100);
        var order = new CopyOnWriteArrayList<String>();
        var release = new CountDownLatch(1);
        var allDone = new CountDownLatch(4);
        run(runner, "first", c -> {
            release.await();
            order.add("first");
            allDone.countDown();
        });
        for (String id : List.of("a", "b", "c")) {
            run(runner, id, c -> {
                order.add(id);
                allDone.countDown();
            });
        }
        assertEquals(3, runner.waiting());
        release.countDown();
        assertTrue(allDone.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first", "a", "b", "c"), order);
    }

    @Test
    void anActiveIdCannotBeAdmittedTwiceAndAFullQueueIsRefused() throws Exception {
        var runner = new Runner(1, 1);
        var release = new CountDownLatch(1);
        run(runner, "x", c -> release.await());
        assertNull(runner.admit("x"));
        run(runner, "y", c -> {});
        assertThrows(Busy.class, () -> runner.admit("z"));
        assertFalse(runner.isActive("z"), "a refused admission leaves nothing behind");
        release.countDown();
    }

    @Test
    void aCancelledTicketGivesItsSlotToTheNextInLine() throws Exception {
        var runner = new Runner(1, 10);
        Runner.Ticket first = runner.admit("first");
        assertTrue(first.holdsSlot());
        var ran = new CountDownLatch(1);
        Runner.Ticket second = runner.admit("second");
        assertFalse(second.holdsSlot());
        second.go(c -> ran.countDown());
        first.cancel();
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertFalse(runner.isActive("first"));
    }

    @Test
    void aTaskStoppedWhileQueuedRunsItsBodyAtOnceWithTheStopSet() throws Exception {
        var runner = new Runner(1, 10);
        var release = new CountDownLatch(1);
        run(runner, "busy", c -> release.await());
        var sawStop = new CountDownLatch(1);
        run(runner, "queued", c -> {
            if (c.reason() == Cancellation.Reason.STOP) sawStop.countDown();
        });
        assertEquals(1, runner.waiting());
        assertTrue(runner.stop("queued"));
        assertTrue(sawStop.await(1, TimeUnit.SECONDS));
        assertTrue(runner.awaitEnd("queued", Duration.ofSeconds(5)));
        assertEquals(0, runner.waiting());
        release.countDown();
    }

    @Test
    void stopWakesASleepingTaskWithoutInterruptingIt() throws Exception {
        var runner = new Runner(2, 10);
        var woke = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        var sleeping = new CountDownLatch(1);
        run(runner, "s", c -> {
            sleeping.countDown();
            try {
                c.sleep(Duration.ofMinutes(1));
            } catch (TaskContext.StoppedException e) {
                interrupted.set(Thread.currentThread().isInterrupted());
                woke.countDown();
            }
        });
        assertTrue(sleeping.await(5, TimeUnit.SECONDS));
        assertTrue(runner.stop("s"));
        assertTrue(woke.await(5, TimeUnit.SECONDS));
        assertFalse(interrupted.get(), "a stop never interrupts the task's thread");
        assertTrue(runner.awaitEnd("s", Duration.ofSeconds(5)));
        assertFalse(runner.stop("s"), "not active any more");
    }

    @Test
    void aCancelActionRunsOnceWhenRegisteredBeforeOrAfterTheStop() throws Exception {
        var c = new Cancellation();
        var count = new java.util.concurrent.atomic.AtomicInteger();
        c.onCancel(count::incrementAndGet);
        var removed = c.onCancel(() -> count.addAndGet(100));
        removed.close();
        c.cancel(Cancellation.Reason.STOP);
        c.cancel(Cancellation.Reason.SHUTDOWN);
        assertEquals(1, count.get());
        assertEquals(Cancellation.Reason.STOP, c.reason(), "the first reason wins");
        c.onCancel(count::incrementAndGet);
        assertEquals(2, count.get());
    }
}
