package taskrunner.http.multipart;

import java.util.Optional;

/**
 * What {@link MultipartFiles#saveFirst} wrote: the part's identifying fields and the byte count.
 *
 * <p>Invariant: {@code size} equals the number of body bytes written to the target file.
 */
public record SavedPart(String name, Optional<String> filename, String contentType, long size) {}
