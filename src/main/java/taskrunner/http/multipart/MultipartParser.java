package taskrunner.http.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Streaming {@code multipart/form-data} parser (RFC 7578 over RFC 2046 framing).
 *
 * <p>Invariant: memory use is bounded by a fixed buffer plus one header block, however large the
 * parts; parts are handed out strictly in order and only the most recent one is readable. Once a
 * call has thrown, the parser is unusable and every further call throws. Not thread-safe.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * var parser = new MultipartParser(body, MultipartParser.boundaryOf(contentType));
 * for (Part part; (part = parser.next()) != null; ) { ... part.body() ... }
 * }</pre>
 *
 * The epilogue after the closing delimiter is left unread in the source stream.
 */
public final class MultipartParser {
    private static final int MAX_BOUNDARY_LENGTH = 70;

    private final DelimitedInput input;
    private final MultipartLimits limits;
    private int partCount;
    private Part current;
    private boolean finished;
    private boolean failed;

    public MultipartParser(InputStream in, String boundary) throws MultipartException {
        this(in, boundary, MultipartLimits.DEFAULT);
    }

    public MultipartParser(InputStream in, String boundary, MultipartLimits limits) throws MultipartException {
        this(in, boundary, limits, DelimitedInput.DEFAULT_BUFFER_SIZE);
    }

    /** Buffer size is exposed to tests so delimiters can be made to straddle refills. */
    MultipartParser(InputStream in, String boundary, MultipartLimits limits, int bufferSize)
            throws MultipartException {
        validateBoundary(boundary);
        this.input = new DelimitedInput(in, boundary, bufferSize);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Extracts the {@code boundary} parameter from a {@code multipart/form-data} Content-Type header
     * value; the parameter may be quoted or a bare token.
     *
     * @throws MultipartException if the header is absent, not multipart/form-data, or has no valid
     *     boundary
     */
    public static String boundaryOf(String contentType) throws MultipartException {
        if (contentType == null || contentType.isBlank()) {
            throw new MultipartException("missing Content-Type; expected multipart/form-data");
        }
        HeaderValue parsed = HeaderValue.parse(contentType);
        if (!parsed.value().equals("multipart/form-data")) {
            throw new MultipartException("Content-Type is not multipart/form-data: " + parsed.value());
        }
        String boundary = parsed.param("boundary");
        if (boundary == null) {
            throw new MultipartException("Content-Type multipart/form-data has no boundary parameter");
        }
        validateBoundary(boundary);
        return boundary;
    }

    /**
     * Advances to the next part, skipping whatever of the current part's body was not read.
     *
     * @return the next part, or {@code null} after the closing delimiter
     * @throws MultipartException on malformed input or an exceeded limit
     */
    public Part next() throws IOException {
        if (failed) {
            throw new MultipartException("multipart parser already failed on this body");
        }
        if (finished) {
            return null;
        }
        boolean ok = false;
        try {
            Part part = advance();
            ok = true;
            return part;
        } finally {
            failed = !ok;
        }
    }

    private Part advance() throws IOException {
        if (current != null) {
            current.retire();
            current = null;
        }
        if (!input.skipSection()) {
            throw new MultipartException(partCount == 0
                    ? "missing initial boundary"
                    : "stream ended inside part " + partCount + ", before the closing boundary");
        }
        if (readDelimiterTail()) {
            finished = true;
            return null;
        }
        if (++partCount > limits.maxParts()) {
            throw new MultipartException("more than " + limits.maxParts() + " parts");
        }
        PartHeaders headers = HeaderBlockReader.read(input, limits.maxHeaderBytes(), partCount);
        Part part = describe(headers, new PartBodyStream(input));
        input.startSection();
        current = part;
        return part;
    }

    /** Consumes what follows a delimiter; true if it was the closing one. */
    private boolean readDelimiterTail() throws IOException {
        int b = input.readRawByte();
        if (b == '-') {
            if (input.readRawByte() != '-') {
                throw new MultipartException("malformed boundary line: expected '--' or CRLF after boundary");
            }
            return true;
        }
        // RFC 2046 allows linear whitespace ("transport padding") before the CRLF.
        while (b == ' ' || b == '\t') {
            b = input.readRawByte();
        }
        if (b < 0) {
            throw new MultipartException("stream ended after a boundary, before the closing boundary");
        }
        if (b != '\r' || input.readRawByte() != '\n') {
            throw new MultipartException("malformed boundary line: boundary not followed by CRLF");
        }
        return false;
    }

    private Part describe(PartHeaders headers, PartBodyStream body) throws MultipartException {
        String disposition = headers.first("Content-Disposition").orElseThrow(
                () -> new MultipartException("part " + partCount + " has no Content-Disposition header"));
        HeaderValue cd = HeaderValue.parse(disposition);
        if (!cd.value().equals("form-data")) {
            throw new MultipartException("part " + partCount + " Content-Disposition is not form-data: " + cd.value());
        }
        String name = cd.param("name");
        if (name == null) {
            throw new MultipartException("part " + partCount + " Content-Disposition has no name");
        }
        String extended = cd.param("filename*");
        String filename = extended == null ? null : ExtendedValue.decode(extended).orElse(null);
        if (filename == null) {
            filename = cd.param("filename");
        }
        String contentType = headers.first("Content-Type").filter(s -> !s.isEmpty()).orElse("text/plain");
        return new Part(headers, name, filename, contentType, body);
    }

    private static void validateBoundary(String boundary) throws MultipartException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw new MultipartException("boundary must be 1 to " + MAX_BOUNDARY_LENGTH + " characters");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            // Anything outside printable ASCII cannot be matched byte-for-byte reliably.
            if (c < 0x20 || c > 0x7e) {
                throw new MultipartException("boundary contains an illegal character");
            }
        }
        if (boundary.endsWith(" ")) {
            throw new MultipartException("boundary must not end with a space");
        }
    }
}
