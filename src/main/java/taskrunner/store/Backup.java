package taskrunner.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Online backups of a running server's data directory: each one a new directory under the
 * backup directory, named by UTC time ({@code 2026-12-01T15-31-26.414Z}), that is itself a
 * complete data directory: start a server with {@code --data} pointing at it.
 *
 * <p>Consistency while writes go on, in this order:
 * <ol>
 * <li>blob deletions are held ({@link BlobStore#holdDeletes()}) until the copy is done;</li>
 * <li>the journal's writer thread writes the live state between two batches
 *     ({@link Store#snapshotTo}): exactly the applied events, none half;</li>
 * <li>then the blob files are linked or copied ({@link BlobStore#copyTo}). Every blob the
 *     snapshot refers to was committed before the event that refers to it, and is not
 *     deleted before the hold ends; a running task's work file is at least as long as its
 *     checkpoint in the snapshot (a checkpoint is journaled after the bytes it counts are
 *     fsynced), and a resume cuts it back to that checkpoint.</li>
 * </ol>
 * The backup is written as {@code <name>.partial} and renamed to {@code <name>} only once
 * every file and directory in it is fsynced, so a directory without the suffix is whole. One
 * backup runs at a time; a second waits for the first.
 */
public final class Backup {
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    static final String PARTIAL = ".partial";

    private final Store store;
    private final BlobStore blobs;
    private final Path backupDir;
    private final Clock clock;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    public Backup(Store store, BlobStore blobs, Path backupDir, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.backupDir = backupDir;
        this.clock = clock;
    }

    /** A finished backup: its directory, the records of its snapshot, its blob files and its size. */
    public record Result(Path dir, int records, int blobs, long bytes) {}

    /** Makes one backup; on failure nothing but a {@code .partial} directory it could not remove is left. */
    public Result run() throws IOException {
        oneAtATime.lock();
        try {
            OwnerOnly.directories(backupDir);
            Path partial = newPartial();
            try {
                int records;
                BlobStore.Copied copied;
                try (BlobStore.Hold hold = blobs.holdDeletes()) {
                    records = store.snapshotTo(partial);
                    copied = blobs.copyTo(partial);
                }
                long bytes = copied.bytes() + Files.size(partial.resolve(Journal.SNAPSHOT));
                Path done = backupDir.resolve(partial.getFileName().toString().replace(PARTIAL, ""));
                Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
                Fsync.directory(backupDir);
                return new Result(done, records, copied.blobs(), bytes);
            } catch (IOException | RuntimeException e) {
                removeQuietly(partial);
                throw e;
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    /** A new, empty {@code <UTC time>.partial} directory (a later millisecond if that name is taken). */
    private Path newPartial() throws IOException {
        long at = clock.millis();
        for (int i = 0; ; i++) {
            String name = NAME.format(java.time.Instant.ofEpochMilli(at + i));
            if (Files.exists(backupDir.resolve(name))) continue;
            try {
                return Files.createDirectory(backupDir.resolve(name + PARTIAL));
            } catch (FileAlreadyExistsException e) {
                // taken by a backup of another process on the same directory: the next name
            }
        }
    }

    private static void removeQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException ignored) {
            // left as .partial: never mistaken for a whole backup
        }
    }
}
