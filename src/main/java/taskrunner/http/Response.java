package taskrunner.http;


import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a handler answers: status, headers and a body that is either bytes or written to
 * the client as a stream ({@code length} -1 = chunked). Immutable apart from
 * {@link #header}, which is used while building it.
 */
public final class Response {
    /** Writes a streamed body. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    public record Header(String name, String value) {}

    final int status;
    final List<Header> headers = new ArrayList<>();
    final byte[] bytes;
    final Body stream;
    final long length;

    private Response(int status, byte[] bytes, Body stream, long length) {
        this.status = status;
        this.bytes = bytes;
        this.stream = stream;
        this.length = length;
    }

    public static Response json(int status, Object value) {
        return bytes(status, "application/json", taskrunner.Json.bytes(value));
    }

    public static Response text(int status, String contentType, String text) {
        return bytes(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        var r = new Response(status, body, null, body.length);
        if (contentType != null) r.header("Content-Type", contentType);
        return r;
    }

    public static Response empty(int status) {
        return new Response(status, new byte[0], null, 0);
    }

    /** A streamed body of known length, or {@code length} -1 for chunked. */
    public static Response stream(int status, String contentType, long length, Body body) {
        var r = new Response(status, null, body, length);
        if (contentType != null) r.header("Content-Type", contentType);
        return r;
    }

    /**
     * Marks a response whose body is a user's content (an uploaded file, a job's result): the
     * browser may not guess another type, and an HTML body runs in a sandbox with no access to
     * this server's origin, so an upload cannot script the site.
     */
    public static Response untrusted(Response r) {
        return r.header("X-Content-Type-Options", "nosniff").header("Content-Security-Policy", "sandbox");
    }

    public Response header(String name, String value) {
        headers.add(new Header(name, value));
        return this;
    }

    public int status() {
        return status;
    }

    public List<Header> headers() {
        return headers;
    }

    /** The body if it is in memory (for tests and logging), else null. */
    public byte[] bodyBytes() {
        return bytes;
    }
}
