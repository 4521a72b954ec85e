package taskrunner.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * The snapshot file {@code snapshot.bin}: every live record at a compaction, in a binary form
 * that loads on several threads. The {@link Journal} writes it and reads it at open.
 *
 * <h2>Layout</h2>
 * All fixed-width integers big-endian.
 * <pre>
 *   header := "TRSNAP", u16 version (1), u64 covers, u32 CRC-32C of the 16 bytes before it
 *   block  := u32 length (&gt; 0), u32 CRC-32C of the payload, payload (a {@link SnapshotBlock})
 *   end    := u32 0, u32 CRC-32C of the next 8 bytes, u64 records (the sum over the blocks)
 *   file   := header, block*, end           (nothing may follow end)
 * </pre>
 * {@code covers} is the number of the last sealed journal segment whose events the snapshot
 * includes ({@code journal.<n>.jsonl}, see {@link Journal}); 0 for none. A version other
 * than 1, a checksum that does not match, a missing end or bytes after it make the file
 * {@link Journal.Unreadable}: a snapshot is never half-read.
 *
 * <h2>Crash safety</h2>
 * It is written as {@code snapshot.bin.tmp}, forced, renamed over {@code snapshot.bin} and
 * its directory forced ({@link JournalIo#replace}); a failure at any step deletes the temp
 * file and leaves the old snapshot as it was. So {@code snapshot.bin} is always a whole file
 * that some compaction finished, and a leftover temp file (a crash mid-write) is deleted at
 * the next open.
 *
 * <h2>Loading</h2>
 * One thread reads the blocks in file order; a pool of one thread per core checks and
 * decodes them (and runs the store's {@code prepare}, which decodes records, on them); the
 * reading thread hands the events to {@code apply} in file order, so apply sees exactly the
 * sequence of the file.
 */
public final class Snapshot {
    static final String NAME = "snapshot.bin";
    static final String TEMP = NAME + ".tmp";
    private static final byte[] MAGIC = {'T', 'R', 'S', 'N', 'A', 'P'};
    private static final int VERSION = 1;
    private static final int HEADER = 20;
    /** Blocks waiting for or in decoding, per thread: enough to keep the pool busy, few enough to bound memory. */
    private static final int AHEAD_PER_THREAD = 4;

    private Snapshot() {}

    /** What a load found: the last sealed segment the snapshot includes, and its number of records. */
    record Loaded(long covers, long records) {}

    /**
     * Writes {@code events} (puts only) as {@code dir/snapshot.bin}: temp file, force, rename,
     * directory forced. Returns the number of records; on failure the old snapshot is untouched.
     */
    static long write(JournalIo io, Path dir, Iterable<JournalEvent> events, long covers) throws IOException {
        Path tmp = dir.resolve(TEMP);
        long records = 0;
        try (var out = io.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var pending = ByteBuffer.allocate(1 << 20);
            long at = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putShort((short) VERSION).putLong(covers);
            header.putInt(crc(header.array(), 0, 16));
            pending.put(header.flip());
            var block = new SnapshotBlock.Writer();
            for (JournalEvent e : events) {
                block.add(e);
                records++;
                if (block.full()) {
                    pending = putBlock(pending, block.finish());
                    at = flushIfFull(out, pending, at);
                }
            }
            if (block.count() > 0) pending = putBlock(pending, block.finish());
            ByteBuffer count = ByteBuffer.allocate(8).putLong(0, records);
            pending = ensure(pending, 16);
            pending.putInt(0).putInt(crc(count.array(), 0, 8)).putLong(records);
            at = write(out, pending.flip(), at);
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageFull.classify(e);
        }
        try {
            io.replace(tmp, dir.resolve(NAME));
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageFull.classify(e);
        }
        return records;
    }

    private static ByteBuffer putBlock(ByteBuffer pending, byte[] payload) {
        pending = ensure(pending, 8 + payload.length);
        return pending.putInt(payload.length).putInt(crc(payload, 0, payload.length)).put(payload);
    }

    private static ByteBuffer ensure(ByteBuffer b, int more) {
        if (b.remaining() >= more) return b;
        var bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
        return bigger.put(b.flip());
    }

    /** Writes what is pending once it passes 1 MB; returns the file position after it. */
    private static long flushIfFull(JournalIo.Channel out, ByteBuffer pending, long at) throws IOException {
        if (pending.position() < (1 << 20) - (1 << 16)) return at;
        at = write(out, pending.flip(), at);
        pending.clear();
        return at;
    }

    private static long write(JournalIo.Channel out, ByteBuffer buf, long at) throws IOException {
        int n = buf.remaining();
        while (buf.hasRemaining()) out.write(buf, at + (n - buf.remaining()));
        return at + n;
    }

    /**
     * Reads {@code file} into {@code apply}, in file order; each event first goes through
     * {@code prepare} on a pool thread. Throws {@link Journal.Unreadable} (having applied
     * nothing past the bad block) if the file is not a whole snapshot.
     */
    static Loaded read(Path file, UnaryOperator<JournalEvent> prepare, Consumer<JournalEvent> apply) throws IOException {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("snapshot-load-", 1).daemon(true).factory());
        try (var in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = readFully(in, 0, HEADER, file);
            for (int i = 0; i < MAGIC.length; i++) {
                if (header.get(i) != MAGIC[i]) throw new Journal.Unreadable(file, 0, "not a snapshot file");
            }
            if (header.getShort(6) != VERSION) {
                throw new Journal.Unreadable(file, 0, "snapshot version " + header.getShort(6) + ", this server reads " + VERSION);
            }
            if (header.getInt(16) != crc(header.array(), 0, 16)) throw new Journal.Unreadable(file, 0, "header checksum");
            long covers = header.getLong(8);
            long at = HEADER;
            long records = 0;
            var ahead = new ArrayDeque<Future<List<JournalEvent>>>();
            while (true) {
                ByteBuffer frame = readFully(in, at, 8, file);
                int length = frame.getInt(0);
                int checksum = frame.getInt(4);
                at += 8;
                if (length == 0) {
                    ByteBuffer end = readFully(in, at, 8, file);
                    long total = end.getLong(0);
                    if (checksum != crc(end.array(), 0, 8)) throw new Journal.Unreadable(file, at, "end checksum");
                    while (!ahead.isEmpty()) records += applyNext(ahead, apply, file, at);
                    if (total != records) throw new Journal.Unreadable(file, at, "holds " + records + " records, its end says " + total);
                    if (in.size() != at + 8) throw new Journal.Unreadable(file, at + 8, "bytes after the end");
                    return new Loaded(covers, records);
                }
                if (length < 0 || length > in.size() - at) throw new Journal.Unreadable(file, at, "a block longer than the file");
                byte[] payload = readFully(in, at, length, file).array();
                long blockAt = at;
                at += length;
                ahead.add(pool.submit(() -> {
                    if (crc(payload, 0, payload.length) != checksum) {
                        throw new Journal.Unreadable(file, blockAt, "block checksum at byte " + blockAt);
                    }
                    List<JournalEvent> events = SnapshotBlock.read(payload);
                    events.replaceAll(prepare);
                    return events;
                }));
                if (ahead.size() >= AHEAD_PER_THREAD * threads) records += applyNext(ahead, apply, file, blockAt);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every record of a snapshot file, in file order: for tools and tests that look inside a data directory. */
    public static List<JournalEvent> events(Path file) throws IOException {
        var events = new java.util.ArrayList<JournalEvent>();
        read(file, UnaryOperator.identity(), events::add);
        return events;
    }

    private static int applyNext(ArrayDeque<Future<List<JournalEvent>>> ahead, Consumer<JournalEvent> apply, Path file, long at)
            throws IOException {
        List<JournalEvent> events;
        try {
            events = ahead.poll().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("snapshot load interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new Journal.Unreadable(file, at, "a block that does not decode: " + e.getCause());
        }
        for (JournalEvent e : events) apply.accept(e);
        return events.size();
    }

    private static ByteBuffer readFully(FileChannel in, long at, int n, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (in.read(b, at + b.position()) < 0) throw new Journal.Unreadable(file, at, "ends before its end marker");
        }
        return b;
    }

    private static int crc(byte[] b, int off, int len) {
        var c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp snapshot is deleted at the next open
        }
    }
}
