package taskrunner.http.multipart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shared builders for multipart test bodies; no tests of its own. */
final class MultipartTestSupport {
    private MultipartTestSupport() {}

    record Parsed(String name, Optional<String> filename, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** How the parser sees the body: its buffer size and the largest chunk the source hands out. */
    record Feed(int bufferSize, int chunk) {
        @Override
        public String toString() {
            return "buffer=" + bufferSize + ",chunk=" + chunk;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    static MultipartParser parser(byte[] body, String boundary, Feed feed) throws IOException {
        return parser(body, boundary, feed, MultipartLimits.DEFAULT);
    }

    static MultipartParser parser(byte[] body, String boundary, Feed feed, MultipartLimits limits)
            throws IOException {
        return new MultipartParser(chunked(new ByteArrayInputStream(body), feed.chunk()), boundary, limits,
                feed.bufferSize());
    }

    static List<Parsed> parseAll(MultipartParser parser) throws IOException {
        List<Parsed> parts = new ArrayList<>();
        for (Part p; (p = parser.next()) != null; ) {
            parts.add(new Parsed(p.name(), p.filename(), p.contentType(), p.body().readAllBytes()));
        }
        return parts;
    }

    static List<Parsed> parseAll(byte[] body, String boundary, Feed feed) throws IOException {
        return parseAll(parser(body, boundary, feed));
    }

    /** Hands out at most {@code chunk} bytes per read, like a slow socket. */
    static InputStream chunked(InputStream in, int chunk) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    /** One part with the given header lines (without CRLF) and body, including its leading delimiter. */
    static byte[] part(String boundary, byte[] body, String... headers) {
        StringBuilder sb = new StringBuilder("--").append(boundary).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        return concat(bytes(sb.toString()), body, bytes("\r\n"));
    }

    static byte[] close(String boundary) {
        return bytes("--" + boundary + "--\r\n");
    }
}
