package taskrunner.tasks.datapusher;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The clock of one download: each read of the body must bring bytes within the idle time, and
 * the whole download must be over within the total time; otherwise the body is closed. Closing
 * is what ends a read blocked on a {@code java.net.http} body: the request's timeout covers the
 * wait for the answer's headers only ({@link #headersTimeout()} gives it), and an interrupt is
 * not how this server stops anything.
 *
 * <p>The same rule as the server's own {@code http.ExchangeDeadlines} for inbound bodies ("a wait
 * on the other side must move within N s"), kept apart because the cut differs: there an
 * interrupt closes the exchange's channel on the request thread; here the body stream of an
 * outbound client is closed from a watchdog thread.
 *
 * <p>Invariant: once {@link #reason()} is set it never changes, and the body is closed; a read
 * that ends after that throws. Threading: reads on the job's thread, the cut on the watchdog's.
 */
final class StallGuard implements AutoCloseable {
    private final long idleNanos;
    private final long idleSeconds;
    private final long totalSeconds;
    private final long deadline;
    private final Thread watchdog;
    /** nanoTime when the read in progress began; 0 while no read waits. */
    private volatile long readingSince;
    private volatile InputStream body;
    private volatile String reason;
    private volatile boolean closed;

    StallGuard(Duration idle, Duration total) {
        this.idleNanos = idle.toNanos();
        this.idleSeconds = idle.toSeconds();
        this.totalSeconds = total.toSeconds();
        this.deadline = System.nanoTime() + total.toNanos();
        long tick = Math.max(20, Math.min(1000, idle.toMillis() / 10));
        this.watchdog = Thread.ofVirtual().name("download-watchdog").start(() -> watch(tick));
    }

    /** What the wait for an answer's headers may take: the idle time, within the total. */
    Duration headersTimeout() {
        long left = Math.max(1, deadline - System.nanoTime());
        return Duration.ofNanos(Math.min(idleNanos, left));
    }

    /** Why the download was cut, or null. */
    String reason() {
        return reason;
    }

    /** Whether the total time is up (for an answer that timed out: which limit it was). */
    boolean overTime() {
        return System.nanoTime() - deadline >= 0;
    }

    /** The job error's message when the answer or a part of the body did not come in time. */
    String idleReason() {
        return "Download stalled: nothing arrived for " + idleSeconds + " s.";
    }

    /** The job error's message when the whole download was not over in time. */
    String totalReason() {
        return "Download too slow: not finished within " + totalSeconds + " s.";
    }

    /** {@code in}, with every read watched; closed by the watchdog when a limit is passed. */
    InputStream watch(InputStream in) {
        body = in;
        if (reason != null) closeQuietly(in);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                readingSince = System.nanoTime();
                try {
                    return super.read();
                } finally {
                    readingSince = 0;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                readingSince = System.nanoTime();
                try {
                    return super.read(b, off, len);
                } finally {
                    readingSince = 0;
                }
            }
        };
    }

    private void watch(long tickMs) {
        while (!closed) {
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException e) {
                return; // closed
            }
            long now = System.nanoTime();
            long since = readingSince;
            if (now - deadline >= 0) cut(totalReason());
            else if (since != 0 && now - since > idleNanos) cut(idleReason());
        }
    }

    private synchronized void cut(String why) {
        if (reason != null) return;
        reason = why;
        InputStream in = body;
        if (in != null) closeQuietly(in);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is the cut; a failure to close cuts too
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }
}
