package taskrunner.http.multipart;

import java.io.InputStream;
import java.util.Optional;

/**
 * One {@code form-data} part: its headers, the fields derived from them, and a streaming body.
 *
 * <p>Invariant: {@code name} is non-null (the parser rejects parts without a form-data
 * Content-Disposition name); {@code contentType} is non-null, defaulting to {@code text/plain} as
 * RFC 7578 section 4.4 prescribes. The body is readable only while this is the parser's current
 * part; afterwards reads fail rather than silently return a truncated body.
 */
public final class Part {
    private final PartHeaders headers;
    private final String name;
    private final String filename;
    private final String contentType;
    private final PartBodyStream body;

    Part(PartHeaders headers, String name, String filename, String contentType, PartBodyStream body) {
        this.headers = headers;
        this.name = name;
        this.filename = filename;
        this.contentType = contentType;
        this.body = body;
    }

    public PartHeaders headers() {
        return headers;
    }

    /** The {@code name} parameter of Content-Disposition. */
    public String name() {
        return name;
    }

    /**
     * The {@code filename*} (RFC 5987) parameter of Content-Disposition when present and decodable,
     * otherwise {@code filename}; empty if neither. The value is as sent: it may contain path
     * separators, so never use it as a path.
     */
    public Optional<String> filename() {
        return Optional.ofNullable(filename);
    }

    /** The Content-Type header value, or {@code text/plain}. */
    public String contentType() {
        return contentType;
    }

    /**
     * The part body, streamed from the request. Closing it does not close the request stream; the
     * unread rest is skipped when the parser advances.
     */
    public InputStream body() {
        return body;
    }

    void retire() {
        body.retire();
    }

    @Override
    public String toString() {
        return "Part[name=" + name + ", filename=" + filename + ", contentType=" + contentType + "]";
    }
}
