package taskrunner.store;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The append-only journal that makes every acknowledged write durable.
 *
 * <h2>File format</h2>
 * Two files in the data directory, both UTF-8 JSON lines, each line ended by {@code '\n'}:
 * <pre>
 *   snapshot.jsonl   the state at the last compaction: one put line per live record
 *   journal.jsonl    every event since that compaction, in the order it was applied
 *
 *   put:    {"k":"task","id":"3f…","v":{…the whole record…}}
 *   delete: {"k":"task","id":"3f…","del":true}
 * </pre>
 * A put carries the whole record value, never a patch, so replaying an event twice gives
 * the same state; that is what makes a crash between the snapshot's rename and the
 * journal's truncation harmless. A line counts only once its {@code '\n'} is on disk: at
 * open, a last line that is incomplete or does not parse (a torn write) is dropped and the
 * file truncated back to the end of the last good line.
 *
 * <p>A snapshot plus an empty journal is a whole data directory's state: {@link #snapshotTo}
 * writes one into another directory for a backup, from the writer thread as compaction does.
 *
 * <p>The journal file is kept preallocated with zero bytes {@link #PREALLOCATE} ahead of
 * its last line, so an append does not change the file's size and its fsync need not
 * commit file-system metadata (measured here: about half the cost). The data ends at the
 * first NUL byte.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>Persist, then mutate memory: an event is handed to the apply callback only after
 *     the write and {@code force} that carry it have returned, and callers of
 *     {@link #append} are released only after that.</li>
 * <li>Memory follows the file: one writer thread applies events in exactly the order they
 *     stand in the file.</li>
 * <li>Group commit: the writer drains every waiting event into one write and one
 *     {@code force}, so durability costs one fsync per batch, not per request.</li>
 * </ul>
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    static final String JOURNAL = "journal.jsonl";
    static final String SNAPSHOT = "snapshot.jsonl";
    private static final int MAX_BATCH = 4096;
    static final long PREALLOCATE = 8L << 20;

    /**
     * An event waiting for the writer, already encoded by its caller (null event: compact;
     * null event with {@code snapshotTo}: write a snapshot there, see {@link #snapshotTo}).
     */
    private record Pending(JournalEvent event, byte[] line, CompletableFuture<Void> done, SnapshotTo snapshotTo) {
        Pending(JournalEvent event, byte[] line, CompletableFuture<Void> done) {
            this(event, line, done, null);
        }
    }

    /** A {@link #snapshotTo} request: the directory, and the number of records written there. */
    private record SnapshotTo(Path dir, CompletableFuture<Integer> records) {}

    private final Path dir;
    private final Consumer<JournalEvent> apply;
    private final Supplier<List<JournalEvent>> liveState;
    private final long compactAfterBytes;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private FileChannel channel;
    private long allocated;
    private volatile boolean closed;
    private volatile long compactions;
    private volatile long batches;
    private volatile long batched;

    /**
     * Opens the journal in {@code dir}, replaying snapshot and journal into {@code apply}
     * before returning.
     *
     * @param liveState called on the writer thread at compaction time; returns one put
     *                  event per live record (memory equals the file at that moment)
     */
    public Journal(Path dir, Consumer<JournalEvent> apply, Supplier<List<JournalEvent>> liveState,
                   long compactAfterBytes) throws IOException {
        this.dir = dir;
        this.apply = apply;
        this.liveState = liveState;
        this.compactAfterBytes = compactAfterBytes;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(SNAPSHOT + ".tmp"));
        replay(dir.resolve(SNAPSHOT), false);
        long good = replay(dir.resolve(JOURNAL), true);
        channel = FileChannel.open(dir.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (channel.size() > good && hasData(channel, good)) {
            LOG.warning("journal: dropping a torn last line");
        }
        channel.truncate(good);
        channel.position(good);
        preallocate();
        writer = Thread.ofPlatform().name("journal-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * A snapshot or journal that cannot be read past {@link #goodBytes()}: a line that is not a
     * journal line and is not a torn last write. Nothing was changed on disk.
     */
    public static final class Unreadable extends IOException {
        private final transient Path file;
        private final long goodBytes;

        Unreadable(Path file, long goodBytes, String what) {
            super(file + ": " + what);
            this.file = file;
            this.goodBytes = goodBytes;
        }

        public Path file() {
            return file;
        }

        /** Length of the readable prefix: the lines before the bad one. */
        public long goodBytes() {
            return goodBytes;
        }
    }

    /** Appends one event and returns once it is fsynced and applied to memory. */
    public void append(JournalEvent event) throws IOException {
        if (closed) throw new IOException("journal is closed");
        var done = new CompletableFuture<Void>();
        // encoding on the caller's thread keeps the single writer thread for I/O only
        queue.add(new Pending(event, event == null ? null : encode(event), done));
        try {
            done.get();
        } catch (InterruptedException e) {
            // The event may still be written; the caller must not report it as refused.
            done.join();
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Mean events per fsync since open; for benchmarks. */
    public double meanBatch() {
        return batches == 0 ? 0 : (double) batched / batches;
    }

    /** Number of compactions done since open; for tests and benchmarks. */
    public long compactions() {
        return compactions;
    }

    /** Requests a compaction now (run by the writer thread before its next batch). */
    public void compactNow() throws IOException {
        append(null);
    }

    private void writeLoop() {
        var batch = new ArrayList<Pending>();
        var bytes = new ByteArrayOutputStream(1 << 16);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batches++;
                batched += batch.size();
                bytes.reset();
                boolean compact = false;
                for (Pending p : batch) {
                    if (p.event == null) compact |= p.snapshotTo == null;
                    else bytes.writeBytes(p.line);
                }
                IOException failure = null;
                try {
                    if (bytes.size() > 0) {
                        if (channel.position() + bytes.size() > allocated) preallocate(bytes.size());
                        ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
                        while (buf.hasRemaining()) channel.write(buf);
                        channel.force(false);
                    }
                } catch (IOException e) {
                    failure = e;
                }
                for (Pending p : batch) {
                    if (failure != null) {
                        p.done.completeExceptionally(failure);
                        continue;
                    }
                    if (p.event != null) {
                        try {
                            apply.accept(p.event);
                        } catch (RuntimeException e) {
                            LOG.severe("journal: applying an event failed: " + e);
                        }
                    }
                    if (p.snapshotTo != null) snapshot(p.snapshotTo); // sees exactly the events before it
                }
                if (failure == null && (compact || channel.position() > compactAfterBytes)) {
                    try {
                        compact();
                    } catch (IOException e) {
                        LOG.severe("journal: compaction failed, journal kept: " + e);
                    }
                }
                for (Pending p : batch) p.done.complete(null);
                batch.clear();
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (Throwable t) {
                LOG.severe("journal writer: " + t);
                for (Pending p : batch) p.done.completeExceptionally(t);
                batch.clear();
            }
        }
    }

    /**
     * Writes the state as it stands between two batches into {@code target}, which becomes a
     * data directory of its own: {@code snapshot.jsonl} (every live record, written as a
     * compaction writes it) and an empty {@code journal.jsonl}, fsynced with the directory.
     * It runs on the writer thread at its place in the queue, so it holds exactly the events
     * applied before it and none after; writes wait for it as they wait for a compaction.
     *
     * @return the number of records written
     */
    public int snapshotTo(Path target) throws IOException {
        if (closed) throw new IOException("journal is closed");
        var request = new SnapshotTo(target, new CompletableFuture<>());
        var done = new CompletableFuture<Void>();
        queue.add(new Pending(null, null, done, request));
        try {
            done.join(); // fails if the batch it rode in failed to write
            return request.records().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Runs a {@link #snapshotTo} request on the writer thread; its failure is the request's, not the journal's. */
    private void snapshot(SnapshotTo request) {
        try {
            int records = writeSnapshot(request.dir());
            try (FileChannel empty = FileChannel.open(request.dir().resolve(JOURNAL), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                empty.force(true);
            }
            Fsync.directory(request.dir());
            request.records().complete(records);
        } catch (IOException | RuntimeException e) {
            request.records().completeExceptionally(e);
        }
    }

    /** Writes the live state to a new snapshot (temp, fsync, rename) and empties the journal. */
    private void compact() throws IOException {
        writeSnapshot(dir);
        channel.truncate(0);
        channel.position(0);
        preallocate();
        compactions++;
    }

    /**
     * Writes the live state as {@code target/snapshot.jsonl}: a temp file, fsync, atomic
     * rename, directory fsync. Returns the number of records.
     */
    private int writeSnapshot(Path target) throws IOException {
        Path tmp = target.resolve(SNAPSHOT + ".tmp");
        int records = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var bytes = new ByteArrayOutputStream(1 << 20);
            for (JournalEvent e : liveState.get()) {
                bytes.writeBytes(encode(e));
                records++;
                if (bytes.size() > (1 << 20)) {
                    out.write(ByteBuffer.wrap(bytes.toByteArray()));
                    bytes.reset();
                }
            }
            out.write(ByteBuffer.wrap(bytes.toByteArray()));
            out.force(true);
        }
        Files.move(tmp, target.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(target);
        return records;
    }

    private void preallocate() throws IOException {
        preallocate(0);
    }

    /** Writes real zero blocks (not a sparse hole) ahead of the data, then fsyncs size and blocks once. */
    private void preallocate(long atLeast) throws IOException {
        long pos = channel.position();
        long target = pos + Math.max(atLeast, 0) + PREALLOCATE;
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long at = Math.max(pos, channel.size()); at < target; at += zeros.capacity()) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), target - at));
            while (zeros.hasRemaining()) channel.write(zeros, at + zeros.position());
        }
        channel.force(true);
        allocated = Math.max(target, channel.size());
    }

    private static boolean hasData(FileChannel ch, long from) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        return ch.read(b, from) == 1 && b.get(0) != 0;
    }

    static byte[] encode(JournalEvent e) {
        var line = new LinkedHashMap<String, Object>();
        line.put("k", e.kind());
        line.put("id", e.id());
        if (e.isDelete()) line.put("del", true);
        else line.put("v", e.value());
        var out = new ByteArrayOutputStream(256);
        try {
            taskrunner.Json.STD.write(line, out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.write('\n');
        return out.toByteArray();
    }


    /** Replays a file into apply; returns the byte length of its good prefix. */
    private long replay(Path file, boolean tolerateTornTail) throws IOException {
        if (!Files.exists(file)) return 0;
        long good = 0;
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int len = 0;
            boolean eof = false;
            while (true) {
                int nl = -1;
                int nul = -1;
                for (int i = 0; i < len; i++) {
                    if (buf[i] == '\n') {
                        nl = i;
                        break;
                    }
                    if (buf[i] == 0) {
                        nul = i;
                        break;
                    }
                }
                if (nl < 0 && nul < 0 && !eof) {
                    if (len == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    int n = in.read(buf, len, buf.length - len);
                    if (n < 0) eof = true;
                    else len += n;
                    continue;
                }
                if (nl < 0) { // end of data: EOF or the preallocated zeros
                    int rest = nul >= 0 ? nul : len;
                    if (rest > 0 && !tolerateTornTail) throw new Unreadable(file, good, "incomplete last line");
                    break;
                }
                if (!applyLine(buf, nl)) {
                    // a complete but unreadable line is a torn write only if nothing but zeros follows
                    if (tolerateTornTail && onlyZerosFollow(buf, nl + 1, len, in)) break;
                    throw new Unreadable(file, good, "unreadable line after byte " + good);
                }
                good += nl + 1;
                System.arraycopy(buf, nl + 1, buf, 0, len - nl - 1);
                len -= nl + 1;
            }
        }
        return good;
    }

    private static boolean onlyZerosFollow(byte[] buf, int from, int len, java.io.InputStream in) throws IOException {
        for (int i = from; i < len; i++) if (buf[i] != 0) return false;
        int c;
        while ((c = in.read(buf)) > 0) for (int i = 0; i < c; i++) if (buf[i] != 0) return false;
        return true;
    }

    /** Parses and applies one complete line; false if it is not a journal line. */
    @SuppressWarnings("unchecked")
    private boolean applyLine(byte[] buf, int length) {
        Map<String, Object> obj;
        try {
            obj = taskrunner.Json.STD.mapFrom(java.util.Arrays.copyOf(buf, length));
        } catch (IOException e) {
            return false;
        }
        if (!(obj.get("k") instanceof String kind) || !(obj.get("id") instanceof String id)) return false;
        Object v = obj.get("v");
        boolean delete = Boolean.TRUE.equals(obj.get("del"));
        if (!delete && !(v instanceof Map)) return false;
        apply.accept(new JournalEvent(kind, id, delete ? null : (Map<String, Object>) v));
        return true;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
