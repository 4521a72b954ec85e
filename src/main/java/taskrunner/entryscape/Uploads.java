package taskrunner.entryscape;

import taskrunner.http.LimitedInputStream;
import taskrunner.http.Request;
import taskrunner.http.multipart.MultipartException;
import taskrunner.http.multipart.MultipartParser;
import taskrunner.http.multipart.Part;
import taskrunner.store.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Takes a file from a request into a committed blob, as EntryStore's resource PUT does: a
 * {@code multipart/form-data} body gives one part (the first, or the one named), any other
 * body is the file itself.
 *
 * <p>Invariant: either a complete, durable blob comes back or nothing is left behind (also
 * when the body turns out malformed after the part was saved); a file over {@code maxBytes}
 * is 413, a malformed body or a missing part 400. The bytes go through
 * {@link BlobStore#write(InputStream)}, as every received payload does.
 */
public final class Uploads {
    private final BlobStore blobs;
    private final long maxBytes;

    public Uploads(BlobStore blobs, long maxBytes) {
        this.blobs = blobs;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** @param partName the multipart field to take, or null for the first part */
    public Upload receive(Request req, String partName, boolean multipartOnly) throws IOException {
        String ct = req.header("Content-Type");
        String mediaType = req.mediaType();
        if (mediaType == null || !mediaType.startsWith("multipart/")) {
            if (multipartOnly) throw EsFace.fail(400, "Expected a multipart/form-data body with a \"" + partName + "\" part");
            String type = req.query("mimeType") != null ? req.query("mimeType") : ct != null ? ct : "application/octet-stream";
            return save(req.body(), filenameOf(req.header("Content-Disposition")), type);
        }
        Upload got = null;
        boolean ok = false;
        try {
            var parser = new MultipartParser(req.body(), MultipartParser.boundaryOf(ct));
            // Read to the closing delimiter: only a whole well-formed body is accepted.
            for (Part part; (part = parser.next()) != null; ) {
                if (got == null && (partName == null || partName.equals(part.name()))) {
                    String type = req.query("mimeType") != null ? req.query("mimeType") : part.contentType();
                    got = save(part.body(), part.filename().map(Uploads::baseName).orElse(null), type);
                }
            }
            if (got == null) {
                throw EsFace.fail(400, partName == null ? "The multipart body has no part" : "The multipart body has no \"" + partName + "\" part");
            }
            ok = true;
            return got;
        } catch (MultipartException e) {
            throw EsFace.fail(400, "Malformed multipart body: " + e.getMessage());
        } finally {
            if (!ok && got != null) blobs.delete(got.blob());
        }
    }

    private Upload save(InputStream in, String filename, String type) throws IOException {
        // Both are echoed in response headers later: keep them to printable, header-safe text.
        if (type == null || !type.matches("[\\x21-\\x7e][\\x20-\\x7e]{0,200}")) type = "application/octet-stream";
        BlobStore.Written b = blobs.write(new LimitedInputStream(in, maxBytes));
        return new Upload(b.id(), filename, type, b.size(), b.sha256());
    }

    /** The file name of a Content-Disposition header, or null. */
    static String filenameOf(String disposition) {
        if (disposition == null) return null;
        var m = java.util.regex.Pattern.compile("filename\\s*=\\s*\"?([^\";]+)\"?").matcher(disposition);
        return m.find() ? baseName(m.group(1).trim()) : null;
    }

    /** Drops any path a client put in a file name. */
    static String baseName(String name) {
        String n = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .replaceAll("[\\p{Cntrl}\"]", "").trim();
        return n.isEmpty() ? null : n.length() > 255 ? n.substring(0, 255) : n;
    }

    /** Whether a file can feed a RowStore dataset: CSV by type or name. */
    public static boolean looksLikeCsv(Upload u) {
        String t = u.mimetype() == null ? "" : u.mimetype().toLowerCase(Locale.ROOT);
        String n = u.filename() == null ? "" : u.filename().toLowerCase(Locale.ROOT);
        return t.startsWith("text/csv") || t.startsWith("application/csv") || n.endsWith(".csv");
    }
}
