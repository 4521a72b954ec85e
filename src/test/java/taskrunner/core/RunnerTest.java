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
        Runner.Ticket t = runner.admit(id, "acct");
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
        assertNull(runner.admit("x", "acct"));
        run(runner, "y", c -> {});
        assertThrows(Busy.class, () -> runner.admit("z", "acct"));
        assertFalse(runner.isActive("z"), "a refused admission leaves nothing behind");
        release.countDown();
    }

    @Test
    void aCancelledTicketGivesItsSlotToTheNextInLine() throws Exception {
        var runner = new Runner(1, 10);
        Runner.Ticket first = runner.admit("first", "acct");
        assertTrue(first.holdsSlot());
        var ran = new CountDownLatch(1);
        Runner.Ticket second = runner.admit("second", "acct");
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

    private static void run(Runner runner, String id, String owner, Runner.Body body) {
        Runner.Ticket t = runner.admit(id, owner);
        assertNotNull(t, id + " admitted");
        t.go(body);
    }

    @Test
    void aFreedSlotGoesToTheNextOwnerInTurnNotToTheBurst() throws Exception {
        var runner = new Runner(1, 100);
        var order = new CopyOnWriteArrayList<String>();
        var release = new CountDownLatch(1);
        var allDone = new CountDownLatch(7);
        run(runner, "busy", "a", c -> {
            release.await();
            allDone.countDown();
        });
        for (String id : List.of("a1", "a2", "a3", "a4")) {
            run(runner, id, "a", c -> {
                order.add(id);
                allDone.countDown();
            });
        }
        for (String id : List.of("b1", "b2")) {
            run(runner, id, "b", c -> {
                order.add(id);
                allDone.countDown();
            });
        }
        release.countDown();
        assertTrue(allDone.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("a1", "b1", "a2", "b2", "a3", "a4"), order, "owners in turn, each in its own order");
    }

    @Test
    void anonymousTasksHoldAtMostTheirShareAndOthersStartInTheRest() throws Exception {
        var runner = new Runner(2, 100, 1);
        var release = new CountDownLatch(1);
        var started = new CopyOnWriteArrayList<String>();
        for (String id : List.of("anon1", "anon2", "anon3")) {
            run(runner, id, null, c -> {
                started.add(id);
                release.await();
            });
        }
        var named = new CountDownLatch(1);
        run(runner, "mine", "acct", c -> named.countDown());
        assertTrue(named.await(5, TimeUnit.SECONDS), "a named account's task starts in the slot anonymous ones may not take");
        taskrunner.support.ServerFixture.await("the first anonymous task to run", Duration.ofSeconds(5), () -> !started.isEmpty());
        assertEquals(List.of("anon1"), started, "anonymous tasks hold one slot of two");
        assertEquals(2, runner.waiting());
        release.countDown();
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
