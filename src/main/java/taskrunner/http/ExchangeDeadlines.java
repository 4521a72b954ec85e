package taskrunner.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * The time limits the JDK server cannot keep for us. Its one setting ({@code maxReqTime}) runs
 * from a request's first byte to the end of its body, so a large upload that keeps flowing is
 * cut without an answer. Here instead: a request's line and headers must arrive within
 * {@code headerMs} of its first byte, and each read of a body, write of a response or drain of
 * an unread body must move within {@code idleMs}. A handler's own work has no limit here (a
 * task's time limit is the core's).
 *
 * <p>This is the server's executor: each exchange the JDK hands it runs with a {@link Watch},
 * which the {@link Router} and {@link Request} mark at the edges of every wait on the client.
 *
 * <p>Invariant: a thread is interrupted only while its watch has a deadline, that is while
 * the JDK reads the headers or while the exchange waits inside one {@link Watch#io} step. An
 * interrupt there closes the connection's channel (the blocked read or write fails, and the JDK
 * closes the connection); a step that ended just as the deadline passed clears the flag, so
 * nothing after it (a blob's {@code FileChannel}, a journal wait) ever sees an interrupt.
 */
public final class ExchangeDeadlines implements Executor, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExchangeDeadlines.class.getName());
    private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();
    /** Steps no exchange runs under: a Router without deadlines (in a unit test), a request the server makes of itself. */
    static final Watch NONE = new Watch(null, 0);
    private static final int WRITE_PIECE = 64 * 1024;

    private final Executor delegate;
    private final long headerMs;
    private final long idleMs;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread watchdog;
    private volatile boolean closed;

    /** @param headerSeconds, idleSeconds 0 = no limit */
    public ExchangeDeadlines(Executor delegate, long headerSeconds, long idleSeconds) {
        this.delegate = delegate;
        this.headerMs = headerSeconds * 1000;
        this.idleMs = idleSeconds * 1000;
        long shortest = Math.min(headerMs == 0 ? Long.MAX_VALUE : headerMs, idleMs == 0 ? Long.MAX_VALUE : idleMs);
        long tick = Math.max(50, Math.min(1000, shortest / 10));
        this.watchdog = Thread.ofPlatform().daemon().name("taskrunner-deadlines").unstarted(() -> watch(tick));
        if (headerMs > 0 || idleMs > 0) watchdog.start();
    }

    /** The watch of the exchange running on this thread (a no-op one outside any). */
    public static Watch current() {
        Watch w = CURRENT.get();
        return w == null ? NONE : w;
    }

    /** Exchanges in progress: from the first byte of a request to the end of its response. */
    public int open() {
        return watches.size();
    }

    @Override
    public void execute(Runnable exchange) {
        delegate.execute(() -> {
            // The JDK runs an exchange from the first byte of its request line: the header clock starts here.
            var w = new Watch(Thread.currentThread(), idleMs);
            w.arm(headerMs);
            watches.add(w);
            CURRENT.set(w);
            try {
                exchange.run();
            } finally {
                w.disarm();
                CURRENT.remove();
                watches.remove(w);
            }
        });
    }

    private void watch(long tick) {
        while (!closed) {
            long now = System.currentTimeMillis();
            for (Watch w : watches) {
                String cut = w.expireIfDue(now);
                if (cut != null) LOG.info("connection closed: " + cut);
            }
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }

    /** One exchange's clock: at most one deadline at a time, guarded by the watch's monitor. */
    public static final class Watch {
        private final Thread thread;
        private final long idleMs;
        private long deadline; // 0: none
        private String waitingFor;
        private boolean interrupted;

        private Watch(Thread thread, long idleMs) {
            this.thread = thread;
            this.idleMs = idleMs;
        }

        private synchronized void arm(long ms) {
            if (thread == null || ms == 0) return;
            deadline = System.currentTimeMillis() + ms;
            waitingFor = "request line and headers not received within " + ms / 1000 + " s";
        }

        /** The JDK has read the headers: the handler's own time is not bounded here. */
        public void headersRead() {
            disarm();
        }

        /** A wait on the client that must move within the idle time. */
        public <T, E extends Exception> T io(String what, IoStep<T, E> step) throws E {
            synchronized (this) {
                if (thread != null && idleMs > 0) {
                    deadline = System.currentTimeMillis() + idleMs;
                    waitingFor = what + ": nothing moved for " + idleMs / 1000 + " s";
                }
            }
            try {
                return step.run();
            } finally {
                disarm();
            }
        }

        /** {@code in} with each read an {@link #io} step. */
        public InputStream reads(InputStream in, String what) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    return io(what, in::read);
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return io(what, () -> in.read(b, off, len));
                }
            };
        }

        /**
         * {@code out} with each write an {@link #io} step, cut into pieces of 64 KiB so that a
         * large write that moves slowly is not taken for one that does not move.
         */
        public OutputStream writes(OutputStream out, String what) {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    io(what, () -> {
                        out.write(b);
                        return null;
                    });
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int at = off, end = off + len; at < end; ) {
                        int from = at, n = Math.min(WRITE_PIECE, end - at);
                        io(what, () -> {
                            out.write(b, from, n);
                            return null;
                        });
                        at += n;
                    }
                }

                @Override
                public void flush() throws IOException {
                    io(what, () -> {
                        out.flush();
                        return null;
                    });
                }

                @Override
                public void close() throws IOException {
                    io(what, () -> {
                        out.close();
                        return null;
                    });
                }
            };
        }

        private synchronized void disarm() {
            deadline = 0;
            // The step finished before the interrupt could close anything: keep it from what follows.
            if (interrupted) {
                Thread.interrupted();
                interrupted = false;
            }
        }

        private synchronized String expireIfDue(long now) {
            if (deadline == 0 || now < deadline) return null;
            deadline = 0;
            interrupted = true;
            thread.interrupt();
            return waitingFor;
        }
    }

    /** One blocking read or write. */
    @FunctionalInterface
    public interface IoStep<T, E extends Exception> {
        T run() throws E;
    }
}
