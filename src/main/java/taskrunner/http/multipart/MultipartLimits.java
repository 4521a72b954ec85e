package taskrunner.http.multipart;

/**
 * Per-request bounds the parser enforces on its own.
 *
 * <p>Invariant: both limits are positive. Total body size is deliberately not here: part bodies
 * are streamed to the caller, so only the caller knows where they go and how much is acceptable
 * (wrap the request stream in a counting/limiting stream).
 *
 * @param maxHeaderBytes largest header block of a single part, counting line terminators and the
 *     terminating empty line; headers are the only thing the parser has to hold in memory
 * @param maxParts largest number of parts, to bound the per-part work an attacker can cause with
 *     a body made of tiny parts
 */
public record MultipartLimits(int maxHeaderBytes, int maxParts) {

    public static final MultipartLimits DEFAULT = new MultipartLimits(16 * 1024, 100);

    public MultipartLimits {
        if (maxHeaderBytes <= 0 || maxParts <= 0) {
            throw new IllegalArgumentException(
                    "limits must be positive: maxHeaderBytes=" + maxHeaderBytes + ", maxParts=" + maxParts);
        }
    }
}
