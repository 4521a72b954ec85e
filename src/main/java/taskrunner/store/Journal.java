package taskrunner.store;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>The journal file may hold zero bytes ahead of its last line (preallocation), so an
 * append does not change the file's size and its fsync need not commit file-system
 * metadata (measured here: about half the cost). The data ends at the first NUL byte.
 * Preallocation is an optimisation only: a chunk of {@link #PREALLOCATE} bytes is added
 * only while the disk keeps at least {@link #FREE_MARGIN} free beyond it, a failure to add
 * it cuts the zeros back and the journal appends without them, and opening never needs it
 * (opening cuts the zeros off, which frees space, so a restart on a full disk starts).
 *
 * <h2>Failure contract</h2>
 * As tape's {@code QueueFile}: if an I/O exception is thrown during a change, the change is
 * aborted, and it is safe to go on using the journal after it.
 * <ul>
 * <li>A batch whose write or {@code force} fails is refused as a whole: every writer of
 *     it gets the exception, none of its events reaches memory, and the file is cut back
 *     to the position before the batch (truncate, then {@code force}) before anyone is
 *     answered, so a refused write never reappears at replay.</li>
 * <li>The next batch is simply tried again: once the cause is gone (space was freed),
 *     writes succeed, without a restart.</li>
 * <li>If the cut-back fails too, the journal stops (fail-stop, said in one log line):
 *     every later batch first retries the cut-back and, while that fails, is refused
 *     without being written, with an IOException saying the journal is stopped. When a
 *     retry succeeds the journal resumes (one log line). {@link #close} retries it once
 *     more; only a process that dies while the journal is stopped can leave the refused
 *     batch in the file, to be replayed (if its lines are complete) at the next open.</li>
 * <li>A failed compaction changes nothing that counts: the snapshot is written to a temp
 *     file (removed on failure) and renamed over the old one; the journal is emptied only
 *     after that, and a failure to empty it stops the journal as above (its lines are all
 *     in the snapshot by then, so a replay of them is harmless). Automatic compaction is
 *     not retried before the journal grows by as much again.</li>
 * <li>A failure caused by a full disk (ENOSPC, EDQUOT) is a {@link StorageFull}.</li>
 * </ul>
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
public final class Journal implements RecordLog {
    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    static final String JOURNAL = "journal.jsonl";
    static final String SNAPSHOT = "snapshot.jsonl";
    private static final int MAX_BATCH = 4096;
    /** One chunk of preallocated zeros. */
    static final long PREALLOCATE = 8L << 20;
    /** Free space a chunk of preallocation must leave on the disk, or it is not added. */
    static final long FREE_MARGIN = 64L << 20;

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

    /**
     * Hears what the journal's writes cost (metrics). Threading: called on the writer thread
     * after each batch is durable; must be quick, must not block and must not write to the store.
     */
    @FunctionalInterface
    public interface Listener {
        /** A batch of {@code events} lines was written and forced; the force took {@code forceNanos}. */
        void written(int events, long forceNanos);
    }

    private final Path dir;
    private final Consumer<JournalEvent> apply;
    private final Supplier<List<JournalEvent>> liveState;
    private final long compactAfterBytes;
    private final JournalIo io;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final JournalIo.Channel channel;
    // The fields below are the writer thread's (and the constructor's and close's, before and after it).
    /** Where the data ends: the position after the last good line, where the next batch goes. */
    private long end;
    /** The file's size as last set here: {@code end} plus any preallocated zeros. */
    private long size;
    /** No preallocation is tried again before the data reaches this position (after a failure). */
    private long preallocateAfter;
    /** Automatic compaction waits for the data to pass this position. */
    private long compactAt;
    /** Non-null while stopped: why the file could not be cut back to {@code end}. */
    private IOException stopped;
    /** True from a refused batch to the next written one (each change is logged once). */
    private boolean failing;
    /** The duration of the last batch's force, for the listener (the writer thread's). */
    private long forceNanos;
    private volatile Listener listener = (events, nanos) -> {};
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
        this(dir, apply, liveState, compactAfterBytes, JournalIo.REAL);
    }

    /** As the public constructor, with the file operations of {@code io} (a test's, to inject failures). */
    Journal(Path dir, Consumer<JournalEvent> apply, Supplier<List<JournalEvent>> liveState,
            long compactAfterBytes, JournalIo io) throws IOException {
        this.dir = dir;
        this.apply = apply;
        this.liveState = liveState;
        this.compactAfterBytes = compactAfterBytes;
        this.compactAt = compactAfterBytes;
        this.io = io;
        OwnerOnly.directories(dir);
        OwnerOnly.restrict(dir.resolve(JOURNAL));
        OwnerOnly.restrict(dir.resolve(SNAPSHOT));
        Files.deleteIfExists(dir.resolve(SNAPSHOT + ".tmp"));
        replay(dir.resolve(SNAPSHOT), false);
        long good = replay(dir.resolve(JOURNAL), true);
        channel = io.open(dir.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (channel.size() > good) {
                if (hasData(channel, good)) LOG.warning("journal: dropping a torn last line");
                // cuts off the old preallocation too: a truncation frees space, so this works on a full disk
                channel.truncate(good);
                channel.force(true);
            }
        } catch (IOException e) {
            channel.close();
            throw StorageFull.classify(e);
        }
        end = good;
        size = good;
        preallocate(0);
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

    /** Tells {@code listener} of every batch written from now on (replay at open is not a write). */
    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** Mean events per fsync since open; for benchmarks. */
    public double meanBatch() {
        return batches == 0 ? 0 : (double) batched / batches;
    }

    /** Number of compactions done since open; for tests and benchmarks. */
    public long compactions() {
        return compactions;
    }

    /** Events waiting for the writer; for tests that need several in one batch. */
    int waiting() {
        return queue.size();
    }

    /** Requests a compaction now (run by the writer thread after its current batch); throws if it fails. */
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
                int lines = 0;
                for (Pending p : batch) {
                    if (p.event == null) {
                        compact |= p.snapshotTo == null;
                    } else {
                        bytes.writeBytes(p.line);
                        lines++;
                    }
                }
                IOException failure = stopped != null ? resume() : null;
                if (failure == null && bytes.size() > 0) failure = write(bytes.toByteArray());
                if (failure != null) {
                    for (Pending p : batch) p.done.completeExceptionally(failure);
                    batch.clear();
                    continue;
                }
                if (lines > 0) listener.written(lines, forceNanos);
                for (Pending p : batch) {
                    if (p.event == null) {
                        if (p.snapshotTo != null) snapshot(p.snapshotTo); // sees exactly the events before it
                        continue;
                    }
                    try {
                        apply.accept(p.event);
                    } catch (RuntimeException e) {
                        LOG.severe("journal: applying an event failed: " + e);
                    }
                    p.done.complete(null);
                }
                IOException compactFailure = null;
                if (compact || end > compactAt) {
                    try {
                        compact();
                        compactAt = compactAfterBytes;
                    } catch (IOException e) {
                        compactFailure = e;
                        compactAt = end + compactAfterBytes;
                        LOG.severe("journal: compaction failed, journal kept: " + e);
                    }
                }
                for (Pending p : batch) {
                    if (p.event != null) continue;
                    if (compactFailure != null && p.snapshotTo == null) p.done.completeExceptionally(compactFailure);
                    else p.done.complete(null);
                }
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
     * Writes one batch at {@code end} and forces it; on failure cuts the file back to
     * {@code end} and returns the failure (the batch is refused), else returns null.
     */
    private IOException write(byte[] bytes) {
        if (end + bytes.length > size) preallocate(bytes.length);
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) channel.write(buf, end + buf.position());
            long forceStart = System.nanoTime();
            channel.force(false);
            forceNanos = System.nanoTime() - forceStart;
        } catch (IOException e) {
            IOException failure = StorageFull.classify(e);
            cutBack(failure);
            if (!failing && stopped == null) {
                LOG.warning("journal: writes are failing (" + failure.getMessage() + "); each is refused and cut back");
            }
            failing = true;
            return failure;
        }
        end += bytes.length;
        size = Math.max(size, end);
        if (failing) LOG.warning("journal: writes succeed again");
        failing = false;
        return null;
    }

    /** Truncates the file to {@code end} and forces that; if that fails, the journal stops. */
    private void cutBack(IOException why) {
        try {
            channel.truncate(end);
            channel.force(true);
            size = end;
            stopped = null;
        } catch (IOException e) {
            if (why != null && why != e) e.addSuppressed(why);
            if (stopped == null) {
                LOG.severe("journal: stopped accepting writes: could not cut " + JOURNAL + " back to byte " + end
                        + " after " + (why == null ? "a compaction" : "a failed write (" + why.getMessage() + ")")
                        + ": " + e.getMessage() + "; each later write retries the cut");
            }
            stopped = e;
        }
    }

    /** While stopped: retries the cut-back; null if the journal resumed, else why the batch is refused. */
    private IOException resume() {
        cutBack(null);
        if (stopped == null) {
            LOG.warning("journal: " + JOURNAL + " cut back to byte " + end + ", accepting writes again");
            failing = false;
            return null;
        }
        return StorageFull.classify(new IOException("journal is stopped: " + JOURNAL + " could not be cut back to byte "
                + end + " (" + stopped.getMessage() + "); writes are refused until it can", stopped));
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
            try (var empty = io.open(request.dir().resolve(JOURNAL), StandardOpenOption.CREATE,
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
        // Every line of the journal is in the snapshot now: emptying it loses nothing, and
        // a journal that could not be emptied replays to the same state.
        compactions++;
        end = 0;
        cutBack(null);
        if (stopped == null) preallocate(0);
    }

    /**
     * Writes the live state as {@code target/snapshot.jsonl}: a temp file (removed on any
     * failure), fsync, then renamed over the old one. Returns the number of records.
     */
    private int writeSnapshot(Path target) throws IOException {
        Path tmp = target.resolve(SNAPSHOT + ".tmp");
        int records = 0;
        try (var out = io.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var bytes = new ByteArrayOutputStream(1 << 20);
            long at = 0;
            for (JournalEvent e : liveState.get()) {
                bytes.writeBytes(encode(e));
                records++;
                if (bytes.size() > (1 << 20)) {
                    at = writeFully(out, bytes.toByteArray(), at);
                    bytes.reset();
                }
            }
            writeFully(out, bytes.toByteArray(), at);
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageFull.classify(e);
        }
        try {
            io.replace(tmp, target.resolve(SNAPSHOT));
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageFull.classify(e);
        }
        return records;
    }

    private static long writeFully(JournalIo.Channel out, byte[] bytes, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) out.write(buf, at + buf.position());
        return at + bytes.length;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp snapshot is deleted at the next open
        }
    }

    /**
     * Adds a chunk of real zero blocks (not a sparse hole) ahead of the data so that the
     * next {@code need} bytes and a chunk more fit, then fsyncs size and blocks once; only
     * when the disk keeps {@link #FREE_MARGIN} free after it. A failure cuts the zeros back
     * and is logged, nothing more: appends then grow the file.
     */
    private void preallocate(long need) {
        long target = end + need + PREALLOCATE;
        if (target <= size || end < preallocateAfter) return;
        long before = size;
        try {
            if (io.usableSpace(dir) < target - size + FREE_MARGIN) return;
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = size; at < target; at += zeros.capacity()) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), target - at));
                while (zeros.hasRemaining()) channel.write(zeros, at + zeros.position());
            }
            channel.force(true);
            size = target;
        } catch (IOException e) {
            preallocateAfter = end + PREALLOCATE;
            try {
                channel.truncate(before);
                size = before;
            } catch (IOException again) {
                // zeros beyond the data are harmless: replay stops at the first NUL
                e.addSuppressed(again);
            }
            LOG.warning("journal: could not preallocate, appending without it: " + e);
        }
    }

    private static boolean hasData(JournalIo.Channel ch, long from) throws IOException {
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


    /** Lines parsed together at replay: in parallel, then applied in file order. */
    private static final int REPLAY_BATCH = 4096;

    /**
     * Replays a file into apply; returns the byte length of its good prefix. Lines are parsed
     * in parallel a batch at a time (a snapshot of a million tasks is mostly JSON parsing) and
     * applied on this thread in file order, so apply sees exactly the sequence a line-by-line
     * replay would.
     */
    private long replay(Path file, boolean tolerateTornTail) throws IOException {
        if (!Files.exists(file)) return 0;
        var batch = new ArrayList<byte[]>(REPLAY_BATCH);
        long[] good = {0};
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int start = 0; // buf[start, len) is read and not yet a line of the batch
            int len = 0;
            int scanned = 0; // buf[start, scanned) holds neither a newline nor a NUL
            boolean eof = false;
            while (true) {
                int nl = -1;
                int nul = -1;
                for (int i = scanned; i < len; i++) {
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
                    scanned = len;
                    if (start > 0) { // move the partial line to the front, once per buffer, not per line
                        System.arraycopy(buf, start, buf, 0, len - start);
                        len -= start;
                        scanned -= start;
                        start = 0;
                    } else if (len == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    int n = in.read(buf, len, buf.length - len);
                    if (n < 0) eof = true;
                    else len += n;
                    continue;
                }
                if (nl >= 0) {
                    batch.add(java.util.Arrays.copyOfRange(buf, start, nl));
                    start = nl + 1;
                    scanned = start;
                    if (batch.size() < REPLAY_BATCH) continue;
                }
                if (!applyBatch(batch, good, file, tolerateTornTail, buf, start, len, in)) break;
                if (nl < 0) { // end of data: EOF or the preallocated zeros
                    int rest = (nul >= 0 ? nul : len) - start;
                    if (rest > 0 && !tolerateTornTail) throw new Unreadable(file, good[0], "incomplete last line");
                    break;
                }
            }
        }
        return good[0];
    }

    /**
     * Parses the batch in parallel and applies it in order, adding each line's length to
     * {@code good}; clears the batch. False when its last line is a torn write (unreadable,
     * nothing but zeros after it: replay ends there); an unreadable line otherwise throws.
     */
    private boolean applyBatch(List<byte[]> batch, long[] good, Path file, boolean tolerateTornTail,
                               byte[] buf, int from, int len, java.io.InputStream in) throws IOException {
        List<JournalEvent> events = batch.size() < 64 ? batch.stream().map(Journal::parseLine).toList()
                : batch.parallelStream().map(Journal::parseLine).toList();
        for (int i = 0; i < events.size(); i++) {
            JournalEvent e = events.get(i);
            if (e == null) {
                // a complete but unreadable line is a torn write only if nothing but zeros follows
                if (tolerateTornTail && i == events.size() - 1 && onlyZerosFollow(buf, from, len, in)) {
                    batch.clear();
                    return false;
                }
                throw new Unreadable(file, good[0], "unreadable line after byte " + good[0]);
            }
            apply.accept(e);
            good[0] += batch.get(i).length + 1;
        }
        batch.clear();
        return true;
    }

    private static boolean onlyZerosFollow(byte[] buf, int from, int len, java.io.InputStream in) throws IOException {
        for (int i = from; i < len; i++) if (buf[i] != 0) return false;
        int c;
        while ((c = in.read(buf)) > 0) for (int i = 0; i < c; i++) if (buf[i] != 0) return false;
        return true;
    }

    /** Parses one complete line (without its newline); null if it is not a journal line. */
    @SuppressWarnings("unchecked")
    private static JournalEvent parseLine(byte[] line) {
        Map<String, Object> obj;
        try {
            obj = taskrunner.Json.STD.mapFrom(line);
        } catch (IOException e) {
            return null;
        }
        if (!(obj.get("k") instanceof String kind) || !(obj.get("id") instanceof String id)) return null;
        Object v = obj.get("v");
        boolean delete = Boolean.TRUE.equals(obj.get("del"));
        if (!delete && !(v instanceof Map)) return null;
        // a value that repeats its id shares the key's String: one copy per record in memory
        if (v instanceof Map<?, ?> value && id.equals(value.get("id"))) ((Map<String, Object>) value).put("id", id);
        return new JournalEvent(kind, id, delete ? null : (Map<String, Object>) v);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopped != null && !writer.isAlive()) cutBack(null);
        if (stopped != null) {
            LOG.severe("journal: closed while stopped: " + JOURNAL + " may keep lines past byte " + end
                    + " that the next open replays");
        }
        channel.close();
    }
}
