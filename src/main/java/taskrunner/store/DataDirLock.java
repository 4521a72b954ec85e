package taskrunner.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The exclusive lock on a data directory: file {@code lock} in it, held with
 * {@link FileChannel#tryLock()} from {@link #acquire} to {@link #close}, so that one server
 * at a time writes its journal and blobs. The operating system drops the lock when the
 * process ends, however it ends, so a crash leaves nothing to clean up.
 *
 * <p>Once it holds the lock, the holder writes one line into the file, {@code pid N, since
 * <UTC time>}, so a refused start can name it. The file is never deleted: deleting it while
 * another process waits to lock the old one would let two processes each hold "the" lock.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "lock";
    private static final int MAX_HOLDER_CHARS = 200;

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process, or another server in this JVM, holds the lock. */
    public static final class Held extends IOException {
        private final String holder;

        Held(Path dir, String holder) {
            super("data directory " + dir + " is locked by " + holder);
            this.holder = holder;
        }

        /** What the holder wrote into the lock file ({@code pid N, since T}), or "pid unknown". */
        public String holder() {
            return holder;
        }
    }

    /**
     * Locks {@code dir} (which must exist) for this process.
     *
     * @throws Held if someone else holds it; other {@link IOException}s if the lock file
     *              cannot be created or written
     */
    public static DataDirLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        // not TRUNCATE_EXISTING: the holder's line must survive a refused attempt
        FileChannel ch = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // a server in this JVM holds it
            }
            if (lock == null) throw new Held(dir, holder(ch));
            String line = "pid " + ProcessHandle.current().pid() + ", since "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DataDirLock(ch, lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The holder's line, cut to one printable line. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(MAX_HOLDER_CHARS);
            ch.read(buf, 0);
            String s = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl >= 0) s = s.substring(0, nl);
            s = s.replaceAll("\\p{Cntrl}", "").trim();
            return s.isEmpty() ? "pid unknown" : s;
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
