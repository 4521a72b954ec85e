package taskrunner.util;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class NamedLocksTest {
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void oneNameHasOneHolderAtATimeAndOtherNamesDoNotWait() throws Exception {
        var locks = new NamedLocks();
        var inside = new AtomicInteger();
        var maxInside = new AtomicInteger();
        var threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofVirtual().start(() -> {
                for (int n = 0; n < 200; n++) {
                    locks.with("a", () -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        return null;
                    });
                }
            });
        }
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> locks.with("b", () -> {
            holding.countDown();
            awaitQuietly(release);
            return null;
        }));
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        for (Thread t : threads) t.join();
        assertEquals(1, maxInside.get(), "never two holders of one name");
        release.countDown();
        holder.join();
    }

    @Test
    void aCancellableWaitEndsWhenItsCheckpointThrowsAndLeavesTheLockUsable() throws Exception {
        var locks = new NamedLocks();
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> locks.with("x", () -> {
            holding.countDown();
            awaitQuietly(release);
            return null;
        }));
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        var checks = new AtomicInteger();
        var gaveUp = assertThrows(IllegalStateException.class, () -> locks.with("x", () -> {
            if (checks.incrementAndGet() == 3) throw new IllegalStateException("stopped");
        }, () -> "never"));
        assertEquals("stopped", gaveUp.getMessage());
        release.countDown();
        holder.join();
        assertEquals("ran", locks.with("x", () -> "ran"), "the lock is free again after a given-up wait");
    }
}
