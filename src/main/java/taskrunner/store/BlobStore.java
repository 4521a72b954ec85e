package taskrunner.store;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import taskrunner.util.RandomIds;

/**
 * Large payloads (CSV input and output, uploaded files, dataset rows) kept as files beside
 * the journal, so that the journal only holds their ids.
 *
 * <p>Layout: {@code blobs/<id>} for committed blobs, {@code blobs/tmp/} for blobs being
 * written, {@code blobs/work/} for outputs of running tasks that must survive a crash.
 * A payload of at most {@link #INLINE_MAX} bytes gets no file: its id is the payload
 * itself ({@code "="} + base64url), so it becomes durable with the journal line that holds
 * the id, and a small request costs no fsync of its own.
 *
 * <p>Invariant: a blob id is handed out only after its bytes were fsynced and the file
 * renamed into place (and the directory fsynced), or when the id carries the bytes; so a
 * journal line never refers to a blob that a crash could lose. Blob files are never
 * modified after commit.
 *
 * <p>Failures: a blob being written in tmp/ that fails (a write, an fsync, the commit) is
 * deleted, so a failed upload leaves no file; a failure caused by a full disk is a
 * {@link StorageFull}. A crash can still leave files no record names (in tmp/, or a blob
 * committed just before its journal line would have been written): {@link #sweep}, at
 * start, removes them.
 */
public final class BlobStore {
    /** Payloads up to this size live in their id (and so in the journal), not in a file. */
    public static final int INLINE_MAX = 4096;
    private static final String INLINE = "=";
    private static final Logger LOG = Logger.getLogger(BlobStore.class.getName());
    private final Path dir;
    private final Path tmp;
    private final Path work;
    /** Bytes of the committed blob files: set by {@link #sweep}, then moved by each commit and delete. */
    private final java.util.concurrent.atomic.AtomicLong committedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final List<Runnable> heldDeletes = new ArrayList<>();
    private volatile Mirror mirror;
    private int holds; // guarded by heldDeletes

    public BlobStore(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("blobs");
        this.tmp = dir.resolve("tmp");
        this.work = dir.resolve("work");
        OwnerOnly.directories(dir);
        OwnerOnly.directories(tmp);
        OwnerOnly.directories(work);
    }

    /**
     * A copy of every committed blob file that several servers share ({@code --postgres}: the
     * database). With one, a commit returns its id only once the mirror holds the bytes too, a
     * blob missing here is fetched from it (the files here are then this server's cache), and a
     * delete deletes it there. {@link #sweep} only sweeps the files here.
     */
    public interface Mirror {
        /** Makes the committed file's bytes durable under {@code id}, streamed, never whole in memory. */
        void put(String id, Path file) throws IOException;

        /** Writes the bytes of {@code id} into {@code into}; false if the mirror has no such blob. */
        boolean fetch(String id, Path into) throws IOException;

        /** Removes {@code id}; a failure leaves an unreferenced copy (disk only). */
        void delete(String id);

        /**
         * Makes bytes {@code from} to {@code to} of a running task's work file (fsynced here) durable
         * there, so another server can resume the task from a checkpoint at {@code to}; refused
         * (an IOException, nothing written) when this server no longer holds {@code task}'s lease.
         */
        void putWork(String name, String task, long from, Path file, long to) throws IOException;

        /** Writes the first {@code length} bytes of a work file into {@code into}; false if it does not hold them all. */
        boolean fetchWork(String name, long length, Path into) throws IOException;

        /** Removes a work file's bytes (its task ended, or starts afresh); a failure leaves unreferenced rows. */
        void deleteWork(String name);
    }

    /** Mirrors every blob committed from now on into {@code mirror} (before anything is served). */
    public void mirror(Mirror mirror) {
        this.mirror = mirror;
    }

    /** The file of a committed blob, fetched from the {@link Mirror} first if it is not here. */
    private Path local(String id) throws IOException {
        Path p = path(id);
        Mirror m = mirror;
        if (m == null || Files.exists(p)) return p;
        Path part = tmp.resolve(newId());
        try {
            if (!m.fetch(id, part)) return p; // missing everywhere: the caller's read fails as before
            Files.move(part, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committedBytes.addAndGet(Files.size(p));
            return p;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Removes what no record needs, at start before anything is served or run (so no blob
     * can be in the middle of its commit): every file in tmp/, and every committed blob
     * whose id is not in {@code referenced} (the store's {@link Store#blobReferences}).
     * work/ is left alone: running tasks resume from their work files. Logs one line with
     * the count and bytes removed, if any. Counts the bytes of the blobs kept
     * ({@link #committedBytes}).
     */
    public void sweep(Set<String> referenced) throws IOException {
        long[] swept = {0, 0};
        sweep(tmp, name -> true, swept);
        committedBytes.set(sweep(dir, name -> !referenced.contains(name), swept));
        if (swept[0] > 0) {
            LOG.info("blobs: swept " + swept[0] + " files no record refers to (" + swept[1] + " bytes)");
        }
    }

    /** Deletes the unneeded files of one directory, adding them to {@code swept}; returns the bytes of those kept. */
    private static long sweep(Path in, java.util.function.Predicate<String> unneeded, long[] swept) throws IOException {
        long kept = 0;
        try (var files = Files.list(in)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                long size = Files.size(p);
                if (!unneeded.test(p.getFileName().toString())) {
                    kept += size;
                } else if (Files.deleteIfExists(p)) {
                    swept[0]++;
                    swept[1] += size;
                }
            }
        }
        return kept;
    }

    /**
     * Bytes of the committed blob files, counted at {@link #sweep} and kept up to date by every
     * commit and delete, so reading it costs no directory walk. Inline blobs (in the journal)
     * and the work files of running tasks are not counted.
     */
    public long committedBytes() {
        return committedBytes.get();
    }

    /**
     * A blob being written; {@link #commit()} makes it durable and returns its id. Bytes
     * stay in memory until they pass {@link #INLINE_MAX}, then go to a file.
     */
    public final class Writer extends OutputStream {
        private Path file; // null until the bytes outgrow memory
        private final boolean append;
        /** A new blob in tmp/, deleted on any failure (a work file is kept for its task's resume). */
        private final boolean temporary;
        private java.io.ByteArrayOutputStream memory = new java.io.ByteArrayOutputStream();
        private FileChannel channel;
        private OutputStream out;
        private long size;
        private boolean done;
        /** A work file's name and task, or null; and how much of it the {@link Mirror} holds. */
        private final String workName, owner;
        private long published;

        private Writer(Path file, boolean append, boolean toFileNow) throws IOException {
            this(file, append, toFileNow, null, null);
        }

        private Writer(Path file, boolean append, boolean toFileNow, String workName, String owner) throws IOException {
            this.file = file;
            this.append = append;
            this.temporary = file == null;
            this.workName = workName;
            this.owner = owner;
            if (toFileNow) spill();
            published = size;
        }

        private void spill() throws IOException {
            if (file == null) file = tmp.resolve(newId());
            try {
                channel = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                size = channel.size();
                out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                memory.writeTo(out);
                size += memory.size();
                memory = null;
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Drops a temporary blob after a failure and says whether the disk is full. */
        private IOException failed(IOException e) {
            if (temporary) abort();
            return StorageFull.classify(e);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (memory != null) {
                if (memory.size() + len <= INLINE_MAX) {
                    memory.write(b, off, len);
                    return;
                }
                spill();
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw failed(e);
            }
            size += len;
        }

        /** Bytes written so far, including those still buffered. */
        public long size() {
            return memory != null ? memory.size() : size;
        }

        /**
         * Flushes and fsyncs what was written so far; returns the durable length. A work file's
         * new bytes also go to the {@link Mirror}, if there is one, before this returns.
         */
        public long sync() throws IOException {
            if (memory != null) spill();
            try {
                out.flush();
                channel.force(false);
            } catch (IOException e) {
                throw failed(e);
            }
            Mirror m = mirror;
            if (m != null && workName != null && size > published) {
                m.putWork(workName, owner, published, file, size);
                published = size;
            }
            return size;
        }

        /** Makes the bytes durable under a blob id; the writer is closed after (a work file is then gone). */
        public String commit() throws IOException {
            String id = commitBlob();
            Mirror m = mirror;
            if (m != null && workName != null) m.deleteWork(workName);
            return id;
        }

        private String commitBlob() throws IOException {
            try {
                if (memory != null || size <= INLINE_MAX) {
                    byte[] bytes = memory != null ? memory.toByteArray() : null;
                    close();
                    if (bytes == null) bytes = Files.readAllBytes(file);
                    if (file != null) Files.deleteIfExists(file);
                    return INLINE + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                }
                sync();
                close();
                String id = newId();
                Files.move(file, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
                file = dir.resolve(id);
                Fsync.directory(dir);
                Mirror m = mirror;
                if (m != null) {
                    try {
                        m.put(id, file);
                    } catch (IOException e) {
                        Files.deleteIfExists(file); // not handed out: no record may refer to it
                        throw e;
                    }
                }
                committedBytes.addAndGet(size); // after the last step that can fail (and delete the file)
                return id;
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Drops what was written (without flushing it: that may be what failed). */
        public void abort() {
            done = true;
            memory = null;
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // closing a channel we only wrote to cannot lose anything we keep
            }
            try {
                if (file != null) Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: tmp/ is emptied at the next start anyway
            }
        }

        @Override
        public void flush() throws IOException {
            if (out == null) return;
            try {
                out.flush();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            if (channel == null) return;
            try {
                out.flush();
            } finally {
                channel.close();
            }
        }
    }

    /** Starts a new blob in tmp/ (emptied at the next start if never committed). */
    public Writer create() throws IOException {
        return new Writer(null, false, false);
    }

    /**
     * Opens the crash-surviving work file of task {@code owner}'s run. With {@code keepBytes >= 0}
     * the file is cut back to that many bytes (its last checkpoint, which {@link #resumable} found)
     * and appended to; with -1 it is started afresh.
     */
    public Writer work(String name, String owner, long keepBytes) throws IOException {
        Path file = work.resolve(safe(name));
        if (keepBytes >= 0 && Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (ch.size() < keepBytes) throw new IOException("work file " + name + " is shorter than its checkpoint");
                ch.truncate(keepBytes);
                ch.force(true);
            }
            return new Writer(file, true, true, name, owner);
        }
        Mirror m = mirror;
        if (m != null) m.deleteWork(name); // an earlier run's bytes, on any server, are not this run's
        return new Writer(file, false, true, name, owner);
    }

    /** Removes a work file (of a task deleted before it finished). */
    public void deleteWork(String name) {
        if (held(() -> deleteWork(name))) return;
        try {
            Files.deleteIfExists(work.resolve(safe(name)));
        } catch (IOException ignored) {
            // an unreferenced leftover costs disk only
        }
        Mirror m = mirror;
        if (m != null) m.deleteWork(name);
    }

    /**
     * Whether a run can resume from a checkpoint at {@code length} bytes of the work file: it is
     * here that long. With a {@link Mirror}, the mirror's copy is fetched first (the task may have
     * run on another server since this one last wrote the file here).
     */
    public boolean resumable(String name, long length) throws IOException {
        Path file = work.resolve(safe(name));
        Mirror m = mirror;
        if (m != null) {
            Path part = tmp.resolve(newId());
            try {
                if (!m.fetchWork(name, length, part)) return false;
                Fsync.file(part);
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
        }
        return Files.exists(file) && Files.size(file) >= length;
    }

    /** A committed blob as {@link #write(InputStream)} made it. */
    public record Written(String id, long size, String sha256) {}

    /** What {@link #write(Content)} puts into a new blob. */
    @FunctionalInterface
    public interface Content {
        /** Writes the bytes; {@code out} must not be closed (closing it is harmless, though). */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Copies a stream into a new committed blob: the one way a received payload (a request
     * body, a multipart part) becomes durable. A size limit is the stream's business (it
     * throws); on any failure nothing is left behind.
     *
     * @return the blob's id, its length and the hex SHA-256 of its bytes
     */
    public Written write(InputStream in) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
        long[] size = {0};
        String id = write(out -> size[0] = in.transferTo(new DigestOutputStream(out, sha256)));
        return new Written(id, size[0], HexFormat.of().formatHex(sha256.digest()));
    }

    /** Writes {@code content} into a new committed blob; on any failure nothing is left behind. */
    public String write(Content content) throws IOException {
        Writer w = create();
        try {
            content.writeTo(unclosable(w));
            return w.commit();
        } catch (Throwable e) {
            w.abort();
            throw e;
        }
    }

    public InputStream open(String id) throws IOException {
        if (isInline(id)) return new java.io.ByteArrayInputStream(inline(id));
        return Files.newInputStream(local(id));
    }

    public long size(String id) throws IOException {
        if (isInline(id)) return inline(id).length;
        return Files.size(local(id));
    }

    private static boolean isInline(String id) {
        return id.startsWith(INLINE);
    }

    private static byte[] inline(String id) {
        return Base64.getUrlDecoder().decode(id.substring(INLINE.length()));
    }

    public Path path(String id) {
        return dir.resolve(safe(id));
    }

    public boolean exists(String id) {
        if (id == null || isInline(id)) return id != null;
        try {
            return Files.exists(local(id));
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes a blob once nothing in the journal refers to it any more. */
    public void delete(String id) {
        if (id == null || isInline(id)) return;
        if (held(() -> delete(id))) return;
        Mirror m = mirror;
        if (m != null) m.delete(id);
        try {
            Path p = path(id);
            long size = Files.size(p);
            if (Files.deleteIfExists(p)) committedBytes.addAndGet(-size);
        } catch (IOException ignored) {
            // an unreferenced leftover costs disk only
        }
    }

    /** Held deletions (see {@link #holdDeletes()}); closing it runs them. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Holds every blob and work-file deletion until the returned hold is closed, then runs
     * them in order: a backup that copies the files after taking its snapshot finds every
     * file that snapshot refers to (a blob is deleted only after the event that stops
     * referring to it). Holds may overlap; the deletions run when the last one closes.
     */
    public Hold holdDeletes() {
        synchronized (heldDeletes) {
            holds++;
        }
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.getAndSet(true)) return;
            List<Runnable> run;
            synchronized (heldDeletes) {
                if (--holds > 0) return;
                run = List.copyOf(heldDeletes);
                heldDeletes.clear();
            }
            for (Runnable deletion : run) deletion.run();
        };
    }

    /** Queues a deletion while a hold is open; false if none is (delete now). */
    private boolean held(Runnable deletion) {
        synchronized (heldDeletes) {
            if (holds == 0) return false;
            heldDeletes.add(deletion);
            return true;
        }
    }

    /** What {@link #copyTo} put into a backup. */
    public record Copied(int blobs, int workFiles, long bytes) {}

    /**
     * Copies the blob files into the data directory {@code target} (a backup being made):
     * every committed blob as a hard link (it never changes after commit), or as a copy where
     * the file systems cannot link; every work file as a copy, never a link (a running task
     * appends to it in place, and a resume cuts it back). Copies, links and directories are
     * fsynced. Call it under {@link #holdDeletes()}, after the snapshot it goes with: then
     * every blob that snapshot refers to is still here, and a work file is at least as long
     * as the snapshot's checkpoint of it. Blobs committed after the snapshot come along too,
     * unreferenced (they cost disk only).
     */
    public Copied copyTo(Path target) throws IOException {
        Path blobsOut = target.resolve(dir.getFileName());
        Path workOut = blobsOut.resolve(work.getFileName());
        Files.createDirectories(workOut);
        Files.createDirectories(blobsOut.resolve(tmp.getFileName()));
        int blobs = 0;
        int workFiles = 0;
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue; // tmp/, work/
                Path to = blobsOut.resolve(p.getFileName());
                try {
                    Files.createLink(to, p);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // deleted before the hold: no snapshot taken under it refers to it
                } catch (IOException | UnsupportedOperationException e) {
                    if (!copy(p, to)) continue;
                }
                blobs++;
                bytes += Files.size(to);
            }
        }
        try (var files = Files.list(work)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = workOut.resolve(p.getFileName());
                if (!copy(p, to)) continue;
                workFiles++;
                bytes += Files.size(to);
            }
        }
        Fsync.directory(workOut);
        Fsync.directory(blobsOut);
        Fsync.directory(target);
        return new Copied(blobs, workFiles, bytes);
    }

    /** Copies and fsyncs one file; false if it is gone. */
    private static boolean copy(Path from, Path to) throws IOException {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        Fsync.file(to);
        return true;
    }

    private static String safe(String name) {
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("bad blob name " + name);
        }
        return name;
    }

    private static String newId() {
        return RandomIds.hex(16);
    }

    /** For OutputStream wrappers that must not close the blob on close(). */
    public static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }
}
