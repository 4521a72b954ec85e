package taskrunner.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The append-only journal that makes every acknowledged write durable.
 *
 * <h2>Files</h2>
 * In the data directory, read at open in this order:
 * <pre>
 *   snapshot.bin        the state at the last compaction ({@link Snapshot}: binary, checksummed);
 *                       or, in a directory an older server wrote, snapshot.jsonl (JSON lines)
 *   journal.&lt;n&gt;.jsonl  sealed segments, by ascending n: the events of a compaction under way
 *                       (or of one that failed), skipped if the snapshot covers n
 *   journal.jsonl       the events since the last segment was sealed: the file appends go to
 * </pre>
 * Journal files are UTF-8 JSON lines, each ended by {@code '\n'}:
 * <pre>
 *   put:    {"k":"task","id":"3f…","v":{…the whole record…}}
 *   delete: {"k":"task","id":"3f…","del":true}
 * </pre>
 * A put carries the whole record value, never a patch, so replaying an event twice gives
 * the same state, and replaying a run of events over a state that already holds their
 * effect, or a later version of the records they touch, ends in the state after the run.
 * A line counts only once its {@code '\n'} is on disk: at open, a last line that is
 * incomplete or does not parse (a torn write) is dropped and {@code journal.jsonl}
 * truncated back to the end of the last good line.
 *
 * <p>The journal file may hold zero bytes ahead of its last line (preallocation), so an
 * append does not change the file's size and its fsync need not commit file-system
 * metadata (measured here: about half the cost). The data ends at the first NUL byte.
 * Preallocation is an optimisation only: a chunk of {@link #PREALLOCATE} bytes is added
 * only while the disk keeps at least {@link #FREE_MARGIN} free beyond it, a failure to add
 * it cuts the zeros back and the journal appends without them, and opening never needs it
 * (opening cuts the zeros off, which frees space, so a restart on a full disk starts).
 *
 * <h2>Compaction, without stopping writers</h2>
 * Compaction runs on its own thread ({@code journal-snapshot}), one at a time, and the
 * writer thread does only this for it, between two batches: it renames {@code journal.jsonl}
 * to the next sealed segment {@code journal.<n>.jsonl} and opens a new, empty
 * {@code journal.jsonl} (each step with its directory forced before the next write is
 * acknowledged). Appends go on into the new file at once. The compaction thread then writes
 * the live state, read from memory while writers go on changing it, into a new
 * {@code snapshot.bin} covering {@code n}, and deletes the segments up to {@code n} (and an
 * older {@code snapshot.jsonl}: a directory is migrated at its first compaction).
 * Why that is whole: every event of the segments up to {@code n} was applied to memory before
 * the snapshot's read began, so each record in the snapshot is at its version as of the seal
 * or later, and every later version was appended to {@code journal.jsonl} before memory saw
 * it; replaying {@code journal.jsonl} over the snapshot therefore ends in exactly the state of
 * memory. A crash at any point leaves, in load order, a whole snapshot (the old one or the new
 * one), the segments it does not cover, and the journal: nothing acknowledged is lost.
 * Segment numbers only grow ({@code n} is above the numbers of the snapshot and of every
 * segment on disk), so a segment the snapshot covers is never confused with a newer one.
 *
 * <p>{@link #snapshotTo} writes a backup the same way, without a seal: it notes where the
 * journal ends, writes the snapshot into the other directory from memory, then copies the
 * journal's bytes from that mark to where it ends now as that directory's {@code journal.jsonl}.
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
 *     batch in the file, to be replayed (if its lines are complete) at the next open. A
 *     stopped journal is never sealed, so a refused batch never reaches a segment.</li>
 * <li>A failed compaction changes nothing that counts: if the seal fails, appends go on
 *     into the file they went to (under whichever name it now has; a segment that is still
 *     written to is sealed by the next compaction without a rename); if the snapshot fails,
 *     its temp file is removed, the old snapshot stays, and the sealed segment waits for the
 *     next compaction, which covers it too. Automatic compaction is not retried before the
 *     journal grows by as much again.</li>
 * <li>A failure caused by a full disk (ENOSPC, EDQUOT) is a {@link StorageFull}.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>Persist, then mutate memory: an event is handed to the apply callback only after
 *     the write and {@code force} that carry it have returned, and callers of
 *     {@link #append} are released only after that.</li>
 * <li>Memory follows the file: one writer thread applies events in exactly the order they
 *     stand in the files (the segments, then {@code journal.jsonl}).</li>
 * <li>Group commit: the writer drains every waiting event into one write and one
 *     {@code force}, so durability costs one fsync per batch, not per request.</li>
 * <li>No writer waits for a snapshot: the writer thread's part in a compaction is two
 *     renames and an empty file, never the state.</li>
 * </ul>
 */
public final class Journal implements RecordLog {
    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    static final String JOURNAL = "journal.jsonl";
    static final String SNAPSHOT = Snapshot.NAME;
    /** The JSON-lines snapshot older servers wrote: read if there is no {@link #SNAPSHOT}, deleted at a compaction. */
    static final String LEGACY_SNAPSHOT = "snapshot.jsonl";
    private static final Pattern SEGMENT = Pattern.compile("journal\\.(\\d{1,18})\\.jsonl");
    private static final int MAX_BATCH = 4096;
    /** One chunk of preallocated zeros. */
    static final long PREALLOCATE = 8L << 20;
    /** Free space a chunk of preallocation must leave on the disk, or it is not added. */
    static final long FREE_MARGIN = 64L << 20;

    /** An event waiting for the writer, already encoded by its caller; or (event null) work for the writer thread. */
    private record Pending(JournalEvent event, byte[] line, CompletableFuture<Void> done, Runnable onWriter) {}

    /** Where the journal's data ends, as the writer thread saw it between two batches. */
    private record Mark(JournalIo.Channel file, long end, int records) {}

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
    private final Supplier<? extends Collection<JournalEvent>> liveState;
    private final long compactAfterBytes;
    private final JournalIo io;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Runs compactions and snapshots, one at a time. */
    private final ExecutorService snapshots = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("journal-snapshot").daemon(true).factory());
    // The fields below are the writer thread's (and the constructor's and close's, before and after it).
    /** The file appends go to: {@code journal.jsonl}, or a sealed segment's name after a seal failed half-way. */
    private JournalIo.Channel channel;
    private Path active;
    /** The number the next sealed segment gets: above every number on disk and in the snapshot. */
    private long nextSegment;
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
    /** Set by close once no compaction runs: the writer drains its queue and ends. */
    private volatile boolean writerDone;
    /** True from the start of an automatic compaction to its end. */
    private volatile boolean compacting;
    private volatile long compactions;
    private volatile long batches;
    private volatile long batched;

    /**
     * Opens the journal in {@code dir}, replaying snapshot and journal into {@code apply}
     * before returning.
     *
     * @param liveState called on the compaction thread; one put event per live record, read
     *                  from memory while it changes (each record at some version at least as
     *                  new as the moment of the call; the collection's size is the number of
     *                  records when called on the writer thread)
     */
    public Journal(Path dir, Consumer<JournalEvent> apply, Supplier<? extends Collection<JournalEvent>> liveState,
                   long compactAfterBytes) throws IOException {
        this(dir, UnaryOperator.identity(), apply, liveState, compactAfterBytes, JournalIo.REAL);
    }

    /**
     * As above; {@code prepare} runs on each event read at open before {@code apply}, on
     * several threads at once (the store decodes records there, in parallel).
     */
    public Journal(Path dir, UnaryOperator<JournalEvent> prepare, Consumer<JournalEvent> apply,
                   Supplier<? extends Collection<JournalEvent>> liveState, long compactAfterBytes) throws IOException {
        this(dir, prepare, apply, liveState, compactAfterBytes, JournalIo.REAL);
    }

    /** As the public constructor, with the file operations of {@code io} (a test's, to inject failures). */
    Journal(Path dir, Consumer<JournalEvent> apply, Supplier<? extends Collection<JournalEvent>> liveState,
            long compactAfterBytes, JournalIo io) throws IOException {
        this(dir, UnaryOperator.identity(), apply, liveState, compactAfterBytes, io);
    }

    private Journal(Path dir, UnaryOperator<JournalEvent> prepare, Consumer<JournalEvent> apply,
                    Supplier<? extends Collection<JournalEvent>> liveState, long compactAfterBytes, JournalIo io)
            throws IOException {
        this.dir = dir;
        this.apply = apply;
        this.liveState = liveState;
        this.compactAfterBytes = compactAfterBytes;
        this.compactAt = compactAfterBytes;
        this.io = io;
        OwnerOnly.directories(dir);
        OwnerOnly.restrict(dir.resolve(JOURNAL));
        OwnerOnly.restrict(dir.resolve(SNAPSHOT));
        Files.deleteIfExists(dir.resolve(Snapshot.TEMP));
        Files.deleteIfExists(dir.resolve(LEGACY_SNAPSHOT + ".tmp"));
        long covers = 0;
        if (Files.exists(dir.resolve(SNAPSHOT))) {
            covers = Snapshot.read(dir.resolve(SNAPSHOT), prepare, apply).covers();
            // a snapshot.jsonl beside it is older: the crash came between the rename and its deletion
            Files.deleteIfExists(dir.resolve(LEGACY_SNAPSHOT));
        } else {
            JournalLines.replay(dir.resolve(LEGACY_SNAPSHOT), false, prepare, apply);
        }
        long last = covers;
        for (var segment : segments(dir).entrySet()) {
            last = Math.max(last, segment.getKey());
            // covered: the crash came between the snapshot's rename and the segment's deletion
            if (segment.getKey() <= covers) Files.deleteIfExists(segment.getValue());
            else JournalLines.replay(segment.getValue(), true, prepare, apply);
        }
        nextSegment = last + 1;
        long good = JournalLines.replay(dir.resolve(JOURNAL), true, prepare, apply);
        active = dir.resolve(JOURNAL);
        channel = io.open(active, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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

    /** The sealed segments in {@code dir}, by number. */
    static TreeMap<Long, Path> segments(Path dir) throws IOException {
        var found = new TreeMap<Long, Path>();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) found.put(Long.parseLong(m.group(1)), p);
            }
        }
        return found;
    }

    /**
     * A snapshot or journal that cannot be read past {@link #goodBytes()}: a line that is not a
     * journal line and is not a torn last write, or a snapshot that is not whole. Nothing was
     * changed on disk.
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

        /** Length of the readable prefix: the lines (or blocks) before the bad one. */
        public long goodBytes() {
            return goodBytes;
        }
    }

    /** Appends one event and returns once it is fsynced and applied to memory. */
    public void append(JournalEvent event) throws IOException {
        if (closed) throw new IOException("journal is closed");
        var done = new CompletableFuture<Void>();
        // encoding on the caller's thread keeps the single writer thread for I/O only
        queue.add(new Pending(event, encode(event), done, null));
        await(done);
    }

    /** Waits for {@code done}; its failure is thrown as an IOException. */
    private static <T> T await(CompletableFuture<T> done) throws IOException {
        try {
            return done.get();
        } catch (InterruptedException e) {
            // An event may still be written; the caller must not report it as refused.
            T result = done.join();
            Thread.currentThread().interrupt();
            return result;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Runs {@code work} on the writer thread after the batches queued before it; returns its result. */
    private <T> T onWriter(Callable<T> work) throws IOException {
        var result = new CompletableFuture<T>();
        queue.add(new Pending(null, null, null, () -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }));
        return await(result);
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

    /** Compacts now (after a compaction or snapshot under way); returns once it is done, throws if it failed. */
    public void compactNow() throws IOException {
        onSnapshotThread(() -> {
            compact();
            return null;
        });
    }

    /** Runs {@code work} on the compaction thread, after the compactions and snapshots queued before it. */
    private <T> T onSnapshotThread(Callable<T> work) throws IOException {
        if (closed) throw new IOException("journal is closed");
        var result = new CompletableFuture<T>();
        try {
            snapshots.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("journal is closed");
        }
        return await(result);
    }

    private void writeLoop() {
        var batch = new ArrayList<Pending>();
        var work = new ArrayList<Runnable>();
        var bytes = new ByteArrayOutputStream(1 << 16);
        while (!writerDone || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                bytes.reset();
                int lines = 0;
                for (Pending p : batch) {
                    if (p.event == null) {
                        work.add(p.onWriter);
                    } else {
                        bytes.writeBytes(p.line);
                        lines++;
                    }
                }
                batch.removeIf(p -> p.event == null);
                if (lines > 0) {
                    batches++;
                    batched += lines;
                }
                IOException failure = lines == 0 ? null : stopped != null ? resume() : null;
                if (failure == null && lines > 0) failure = write(bytes.toByteArray());
                if (failure != null) {
                    for (Pending p : batch) p.done.completeExceptionally(failure);
                } else {
                    if (lines > 0) listener.written(lines, forceNanos);
                    for (Pending p : batch) {
                        try {
                            apply.accept(p.event);
                        } catch (RuntimeException e) {
                            LOG.severe("journal: applying an event failed: " + e);
                        }
                        p.done.complete(null);
                    }
                }
                batch.clear();
                // after the whole batch is applied: work sees memory equal to the files
                for (Runnable r : work) r.run();
                work.clear();
                if (end > compactAt && !compacting && !closed) startCompaction();
            } catch (InterruptedException e) {
                if (writerDone) break;
            } catch (Throwable t) {
                LOG.severe("journal writer: " + t);
                for (Pending p : batch) p.done.completeExceptionally(t);
                batch.clear();
                for (Runnable r : work) r.run(); // each answers its own waiter, whatever it finds
                work.clear();
            }
        }
    }

    /** Starts an automatic compaction on the compaction thread (writer thread). */
    private void startCompaction() {
        compacting = true;
        compactAt = end + compactAfterBytes; // a seal that fails is not retried before the journal grows again
        try {
            snapshots.execute(() -> {
                try {
                    compact();
                } catch (IOException | RuntimeException e) {
                    LOG.severe("journal: compaction failed, journal kept: " + e);
                } finally {
                    compacting = false;
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            compacting = false;
        }
    }

    /**
     * One compaction, on the compaction thread: seal the journal (on the writer thread), write
     * the snapshot from memory, then delete what it covers.
     */
    private void compact() throws IOException {
        long covers = onWriter(this::seal);
        Snapshot.write(io, dir, liveState.get(), covers);
        // Everything the snapshot covers can go. In ascending order, so that a deletion that
        // fails leaves a run of covered segments that the next open skips.
        Files.deleteIfExists(dir.resolve(LEGACY_SNAPSHOT));
        for (var segment : segments(dir).headMap(covers, true).values()) Files.deleteIfExists(segment);
        Fsync.directory(dir);
        compactions++;
    }

    /**
     * Makes the file appends go to a sealed segment and opens a new, empty {@code journal.jsonl}
     * for them (writer thread, between batches); returns the segment's number. On failure appends
     * go on into the file they went to.
     */
    private long seal() throws IOException {
        if (stopped != null && resume() != null) {
            throw new IOException("journal is stopped: it is not sealed with a refused batch in it", stopped);
        }
        Path journal = dir.resolve(JOURNAL);
        if (active.equals(journal)) {
            Path sealed = dir.resolve("journal." + nextSegment + ".jsonl");
            try {
                io.replace(journal, sealed);
            } catch (IOException e) {
                if (Files.exists(sealed) && !Files.exists(journal)) { // renamed; only the directory's force failed
                    active = sealed;
                    nextSegment++;
                }
                throw StorageFull.classify(e);
            }
            active = sealed;
            nextSegment++;
        }
        JournalIo.Channel fresh;
        try {
            fresh = io.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw StorageFull.classify(e);
        }
        try {
            Fsync.directory(dir); // before any append to it is acknowledged: its name must survive a crash
        } catch (IOException e) {
            fresh.close();
            Files.deleteIfExists(journal);
            throw StorageFull.classify(e);
        }
        long number = Long.parseLong(SEGMENT.matcher(active.getFileName().toString()).replaceAll("$1"));
        try {
            channel.close();
        } catch (IOException ignored) {
            // every byte of it was forced with its batch
        }
        channel = fresh;
        active = journal;
        end = 0;
        size = 0;
        preallocateAfter = 0;
        compactAt = compactAfterBytes;
        preallocate(0);
        return number;
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
                        + " after " + (why == null ? "a retry" : "a failed write (" + why.getMessage() + ")")
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
     * Writes the state as it stands now into {@code target}, which becomes a data directory of
     * its own: {@code snapshot.bin} and the {@code journal.jsonl} that completes it, fsynced
     * with the directory. The state is exactly that of memory between two batches (the moment
     * the copy of the journal's tail is taken), none half; writers do not wait for it.
     *
     * @return the number of records at that moment
     */
    public int snapshotTo(Path target) throws IOException {
        return onSnapshotThread(() -> {
            // No compaction runs meanwhile (this thread is theirs), so the file appends go to stays the same.
            Mark from = onWriter(this::mark);
            Snapshot.write(io, target, liveState.get(), 0);
            Mark to = onWriter(this::mark);
            try (var tail = io.open(target.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                for (long at = from.end; at < to.end; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), to.end - at));
                    while (buf.hasRemaining()) {
                        if (from.file.read(buf, at + buf.position()) < 0) throw new IOException("journal shorter than its data");
                    }
                    buf.flip();
                    long into = at - from.end;
                    while (buf.hasRemaining()) tail.write(buf, into + buf.position());
                    at += buf.limit();
                }
                tail.force(true);
            }
            Fsync.directory(target);
            return to.records;
        });
    }

    /** Where the data ends now, and how many records memory holds (writer thread). */
    private Mark mark() {
        return new Mark(channel, end, liveState.get().size());
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


    @Override
    public void close() throws IOException {
        closed = true;
        snapshots.shutdown(); // a compaction under way ends first: it needs the writer
        try {
            if (!snapshots.awaitTermination(5, TimeUnit.MINUTES)) LOG.severe("journal: closed while a compaction still runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writerDone = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopped != null && !writer.isAlive()) cutBack(null);
        if (stopped != null) {
            LOG.severe("journal: closed while stopped: " + active.getFileName() + " may keep lines past byte " + end
                    + " that the next open replays");
        }
        channel.close();
    }
}
