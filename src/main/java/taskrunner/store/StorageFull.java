package taskrunner.store;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * The data directory's disk (or the user's quota) is full: nothing of the write that got
 * this was kept, and the same write may succeed once space is freed, without a restart.
 * Thrown by the {@link Journal} and the {@link BlobStore}.
 *
 * <p>The server answers it 507 Insufficient Storage in the face's envelope, without
 * Retry-After: unlike a full queue (503 with Retry-After, which passes by itself), space
 * comes back only when someone frees it, so no retry time would be honest, and a status of
 * its own lets a client or a monitor tell a full disk from a busy server. Reads go on.
 */
public final class StorageFull extends IOException {
    public StorageFull(String message, IOException cause) {
        super(message, cause);
    }

    /** {@code e} as a StorageFull if its cause is ENOSPC or EDQUOT, else {@code e} itself. */
    public static IOException classify(IOException e) {
        if (e instanceof StorageFull || !isFull(e)) return e;
        return new StorageFull("no space left for the data directory: " + e.getMessage(), e);
    }

    private static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageFull) return true;
            String m = t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }
}
