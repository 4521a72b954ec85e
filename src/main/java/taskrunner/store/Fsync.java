package taskrunner.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers: a rename is durable only once its directory is forced too. */
public final class Fsync {
    private Fsync() {}

    /** Forces a directory's entries; throws only if the force itself fails (the rename may then be lost). */
    public static void directory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            // Some platforms cannot open a directory for reading; the rename is then as
            // durable as that platform makes it, which is all we can do.
            return;
        }
        try (ch) {
            ch.force(true);
        }
    }

    public static void file(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
