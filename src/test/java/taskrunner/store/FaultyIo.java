package taskrunner.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link JournalIo#REAL} with faults a test arms: the next call (or calls) of an operation
 * on a file by name fails, writes half its bytes and then fails, or waits for the test; or
 * every call fails at random. The free space it reports is the test's too.
 */
final class FaultyIo implements JournalIo {
    enum Op { OPEN, WRITE, FORCE, TRUNCATE, REPLACE }

    static IOException full() {
        return new IOException("No space left on device");
    }

    static IOException broken() {
        return new IOException("Input/output error");
    }

    /** One armed call: fails with {@code error} (after writing half, if partial), or is held. */
    private record Fault(String file, Op op, IOException error, boolean partial, Hold hold) {}

    /** A call that waits: {@code reached} once it is waiting, it goes on at {@link #release}. */
    record Hold(CountDownLatch reached, CountDownLatch released) {
        void release() {
            released.countDown();
        }
    }

    private final List<Fault> armed = new ArrayList<>();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile long usableSpace = Long.MAX_VALUE / 2;
    private volatile Random random;
    private volatile double chance;

    /** The next {@code times} calls of {@code op} on {@code file} throw {@code error}. */
    synchronized FaultyIo fail(String file, Op op, int times, IOException error) {
        for (int i = 0; i < times; i++) armed.add(new Fault(file, op, error, false, null));
        return this;
    }

    /** The next write to {@code file} writes half its bytes, then throws ENOSPC. */
    synchronized FaultyIo failPartly(String file) {
        armed.add(new Fault(file, Op.WRITE, full(), true, null));
        return this;
    }

    /** The next call of {@code op} on {@code file} waits until the hold is released. */
    synchronized Hold hold(String file, Op op) {
        var h = new Hold(new CountDownLatch(1), new CountDownLatch(1));
        armed.add(new Fault(file, op, null, false, h));
        return h;
    }

    /** From now on every open, write, force, truncate and rename fails with this chance (0 stops it). */
    FaultyIo random(long seed, double chance) {
        this.random = new Random(seed);
        this.chance = chance;
        return this;
    }

    /** Drops every armed fault and the random ones. */
    synchronized FaultyIo disarm() {
        armed.clear();
        chance = 0;
        return this;
    }

    FaultyIo usableSpace(long bytes) {
        usableSpace = bytes;
        return this;
    }

    /** Write calls made so far, on any file. */
    int writes() {
        return writes.get();
    }

    private synchronized Fault take(String file, Op op) {
        for (Iterator<Fault> it = armed.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.file.equals(file) && f.op == op) {
                it.remove();
                return f;
            }
        }
        Random r = random;
        if (chance > 0 && r != null) {
            synchronized (r) {
                if (r.nextDouble() < chance) {
                    boolean partial = op == Op.WRITE && r.nextBoolean();
                    return new Fault(file, op, r.nextBoolean() ? full() : broken(), partial, null);
                }
            }
        }
        return null;
    }

    /** Throws if a fault is armed for this call (after a partial write, or a wait, as armed). */
    private void check(String file, Op op, Channel real, ByteBuffer src, long position) throws IOException {
        Fault f = take(file, op);
        if (f == null) return;
        if (f.hold != null) {
            f.hold.reached.countDown();
            try {
                f.hold.released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (f.partial && src.remaining() > 1) {
            int half = src.remaining() / 2;
            ByteBuffer part = src.slice(src.position(), half);
            while (part.hasRemaining()) real.write(part, position + part.position());
            src.position(src.position() + half);
        }
        throw f.error;
    }

    @Override
    public Channel open(Path file, OpenOption... options) throws IOException {
        String name = file.getFileName().toString();
        check(name, Op.OPEN, null, null, 0);
        Channel real = REAL.open(file, options);
        return new Channel() {
            public int write(ByteBuffer src, long position) throws IOException {
                writes.incrementAndGet();
                check(name, Op.WRITE, real, src, position);
                return real.write(src, position);
            }

            public int read(ByteBuffer dst, long position) throws IOException {
                return real.read(dst, position);
            }

            public long size() throws IOException {
                return real.size();
            }

            public void truncate(long size) throws IOException {
                check(name, Op.TRUNCATE, real, null, 0);
                real.truncate(size);
            }

            public void force(boolean metaData) throws IOException {
                check(name, Op.FORCE, real, null, 0);
                real.force(metaData);
            }

            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        check(to.getFileName().toString(), Op.REPLACE, null, null, 0);
        REAL.replace(from, to);
    }

    @Override
    public long usableSpace(Path dir) {
        return usableSpace;
    }
}
