package taskrunner.http.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The "save the upload to a temp file" shortcut over {@link MultipartParser}.
 *
 * <p>Invariant: consumes the parser to its closing delimiter, so a returned result means the whole
 * body was well-formed, not just the part that was saved.
 */
public final class MultipartFiles {
    private MultipartFiles() {}

    /**
     * Copies the body of the first part called {@code partName} to {@code target} (created or
     * truncated; an existing file keeps its permissions, which matters for temp files) and discards
     * all other parts.
     *
     * @return what was saved, or empty if no part has that name (then {@code target} is untouched)
     * @throws MultipartException on malformed input; {@code target} may then hold partial data and
     *     deleting it is the caller's job
     */
    public static Optional<SavedPart> saveFirst(MultipartParser parser, String partName, Path target)
            throws IOException {
        SavedPart saved = null;
        for (Part part; (part = parser.next()) != null; ) {
            if (saved == null && part.name().equals(partName)) {
                long size;
                try (InputStream in = part.body(); OutputStream out = Files.newOutputStream(target)) {
                    size = in.transferTo(out);
                }
                saved = new SavedPart(part.name(), part.filename(), part.contentType(), size);
            }
        }
        return Optional.ofNullable(saved);
    }
}
