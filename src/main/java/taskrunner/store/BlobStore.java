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
import java.util.HexFormat;
import java.security.SecureRandom;

/**
 * Large payloads (CSV input and output, uploaded files, dataset rows) kept as files beside
 * the journal, so that the journal only holds their ids.
 *
 * <p>Layout: {@code blobs/<id>} for committed blobs, {@code blobs/tmp/} for blobs being
 * written, {@code blobs/work/} for outputs of running tasks that must survive a crash.
 * Invariant: a blob id is handed out only after its bytes were fsynced and the file
 * renamed into place (and the directory fsynced), so a journal line never refers to a
 * blob that a crash could lose. Blob files are never modified after commit.
 */
public final class BlobStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;
    private final Path tmp;
    private final Path work;

    public BlobStore(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("blobs");
        this.tmp = dir.resolve("tmp");
        this.work = dir.resolve("work");
        Files.createDirectories(tmp);
        Files.createDirectories(work);
        try (var old = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) old::iterator) Files.deleteIfExists(p);
        }
    }

    /** A blob being written; {@link #commit()} makes it durable and returns its id. */
    public final class Writer extends FilterOutputStream {
        private final Path file;
        private final FileChannel channel;
        private long size;
        private boolean done;

        private Writer(Path file, boolean append) throws IOException {
            super(null);
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            this.size = channel.size();
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            size += len;
        }

        /** Bytes written so far, including those still buffered. */
        public long size() {
            return size;
        }

        /** Flushes and fsyncs what was written so far; returns the durable length. */
        public long sync() throws IOException {
            out.flush();
            channel.force(false);
            return size;
        }

        /** Makes the bytes durable under a fresh blob id; the writer is closed after. */
        public String commit() throws IOException {
            sync();
            close();
            String id = newId();
            Files.move(file, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(dir);
            return id;
        }

        /** Drops what was written. */
        public void abort() {
            try {
                close();
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: tmp/ is emptied at the next start anyway
            }
        }

        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            try {
                out.flush();
            } finally {
                channel.close();
            }
        }
    }

    /** Starts a new blob in tmp/ (emptied at the next start if never committed). */
    public Writer create() throws IOException {
        return new Writer(tmp.resolve(newId()), false);
    }

    /**
     * Opens the crash-surviving work file of a running task. With {@code keepBytes >= 0} the
     * file is cut back to that many bytes (its last checkpoint) and appended to; with -1 it
     * is started afresh.
     */
    public Writer work(String name, long keepBytes) throws IOException {
        Path file = work.resolve(safe(name));
        if (keepBytes >= 0 && Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (ch.size() < keepBytes) throw new IOException("work file " + name + " is shorter than its checkpoint");
                ch.truncate(keepBytes);
                ch.force(true);
            }
            return new Writer(file, true);
        }
        return new Writer(file, false);
    }

    public boolean workExists(String name) {
        return Files.exists(work.resolve(safe(name)));
    }

    /** Copies a stream into a new committed blob. */
    public String write(InputStream in) throws IOException {
        Writer w = create();
        try {
            in.transferTo(w);
            return w.commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    public InputStream open(String id) throws IOException {
        return Files.newInputStream(path(id));
    }

    public long size(String id) throws IOException {
        return Files.size(path(id));
    }

    public Path path(String id) {
        return dir.resolve(safe(id));
    }

    public boolean exists(String id) {
        return id != null && Files.exists(path(id));
    }

    /** Removes a blob once nothing in the journal refers to it any more. */
    public void delete(String id) {
        if (id == null) return;
        try {
            Files.deleteIfExists(path(id));
        } catch (IOException ignored) {
            // an unreferenced leftover costs disk only
        }
    }

    private static String safe(String name) {
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("bad blob name " + name);
        }
        return name;
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
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
