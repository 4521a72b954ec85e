package taskrunner.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Every file operation the {@link Journal} makes after its replay, and nothing else, so that
 * a test double can fail any one of them at a chosen point (see JournalFailureTest).
 * {@link #REAL} is the file system's, through {@link FileChannel}.
 */
interface JournalIo {

    /** An open file; positional reads and writes only, so a failed write moves nothing. */
    interface Channel extends AutoCloseable {
        int write(ByteBuffer src, long position) throws IOException;

        int read(ByteBuffer dst, long position) throws IOException;

        long size() throws IOException;

        void truncate(long size) throws IOException;

        void force(boolean metaData) throws IOException;

        @Override
        void close() throws IOException;
    }

    Channel open(Path file, OpenOption... options) throws IOException;

    /** Renames {@code from} over {@code to} atomically, then forces their directory. */
    void replace(Path from, Path to) throws IOException;

    /** Bytes that may still be written on the file store that holds {@code dir}. */
    long usableSpace(Path dir) throws IOException;

    JournalIo REAL = new JournalIo() {
        @Override
        public Channel open(Path file, OpenOption... options) throws IOException {
            FileChannel ch = OwnerOnly.open(file, options);
            return new Channel() {
                public int write(ByteBuffer src, long position) throws IOException {
                    return ch.write(src, position);
                }

                public int read(ByteBuffer dst, long position) throws IOException {
                    return ch.read(dst, position);
                }

                public long size() throws IOException {
                    return ch.size();
                }

                public void truncate(long size) throws IOException {
                    ch.truncate(size);
                }

                public void force(boolean metaData) throws IOException {
                    ch.force(metaData);
                }

                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void replace(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(to.getParent());
        }

        @Override
        public long usableSpace(Path dir) throws IOException {
            return Files.getFileStore(dir).getUsableSpace();
        }
    };
}
