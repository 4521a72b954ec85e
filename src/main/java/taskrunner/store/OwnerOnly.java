package taskrunner.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one way the store makes its directories and files: readable by the server's user only
 * (directories 0700, files 0600), whatever the umask, since they hold password hashes,
 * tokens' hashes and every tenant's data. On a file system without POSIX permissions the
 * defaults stay.
 */
public final class OwnerOnly {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Creates {@code dir} (and missing parents) as 0700; an existing directory is set to 0700. */
    public static Path directories(Path dir) throws IOException {
        if (!POSIX) return Files.createDirectories(dir);
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /** Opens a file, creating it as 0600 if the options say CREATE. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), attributes());
    }

    private static FileAttribute<?>[] attributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Sets an existing file to 0600 (files of a directory from before this rule). */
    public static void restrict(Path file) throws IOException {
        if (POSIX && Files.exists(file)) Files.setPosixFilePermissions(file, FILE);
    }
}
