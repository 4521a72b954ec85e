package taskrunner.entryscape;

/**
 * An uploaded file, already a committed blob.
 *
 * @param filename the client's file name without any path, or null
 * @param sha256   hex digest of the bytes
 */
public record Upload(String blob, String filename, String mimetype, long size, String sha256) {}
