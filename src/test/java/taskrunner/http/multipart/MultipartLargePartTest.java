package taskrunner.http.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.http.multipart.MultipartTestSupport.bytes;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parts far larger than the parser's buffer, generated on the fly so the test holds no big arrays. */
class MultipartLargePartTest {
    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final long SIZE = 8L * 1024 * 1024 + 12345;

    /**
     * Deterministic pseudo-random bytes of a given length, salted every 4093 bytes with an almost
     * delimiter and stray CR/LF so the scanner keeps hitting near-misses across buffer refills.
     */
    static final class Generated extends InputStream {
        private static final byte[] NEAR_MISS = bytes("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "\r\r\n");
        private final long size;
        private long pos;
        private long state = 0x9E3779B97F4A7C15L;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (pos >= size) {
                return -1;
            }
            int inBlock = (int) (pos % 4093);
            pos++;
            if (inBlock < NEAR_MISS.length) {
                return NEAR_MISS[inBlock] & 0xff;
            }
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            return (int) (state & 0xff);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }

    /** Counts what the parser has pulled from the network. */
    static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }
    }

    private static InputStream body(InputStream... pieces) {
        return new SequenceInputStream(Collections.enumeration(List.of(pieces)));
    }

    private static InputStream head(String name) {
        return new ByteArrayInputStream(bytes("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + ".bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"));
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    private static byte[] sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        DigestInputStream d = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
        d.transferTo(OutputStream.nullOutputStream());
        return d.getMessageDigest().digest();
    }

    @Test
    void largePartIsDeliveredByteForByte() throws Exception {
        InputStream source = body(head("big"), new Generated(SIZE), text("\r\n--" + BOUNDARY + "--\r\n"));
        MultipartParser parser = new MultipartParser(source, BOUNDARY);

        Part part = parser.next();
        Counting counted = new Counting(part.body());
        byte[] actual = sha256(counted);

        assertEquals(SIZE, counted.count);
        assertArrayEquals(sha256(new Generated(SIZE)), actual);
        assertNull(parser.next());
    }

    @Test
    void largePartIsStreamedNotBuffered() throws Exception {
        Counting network = new Counting(body(head("big"), new Generated(SIZE), text("\r\n--" + BOUNDARY + "--\r\n")));
        MultipartParser parser = new MultipartParser(network, BOUNDARY);

        byte[] first = parser.next().body().readNBytes(1000);

        assertArrayEquals(new Generated(1000).readAllBytes(), first);
        assertTrue(network.count <= 1000 + 2L * DelimitedInput.DEFAULT_BUFFER_SIZE,
                "parser read " + network.count + " bytes ahead to deliver the first 1000");
    }

    @Test
    void unreadLargePartsAreSkipped() throws Exception {
        InputStream source = body(
                head("a"), new Generated(SIZE), text("\r\n"),
                head("b"), new Generated(SIZE / 2), text("\r\n"),
                text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"tail\"\r\n\r\nlast\r\n"
                        + "--" + BOUNDARY + "--\r\n"));
        MultipartParser parser = new MultipartParser(source, BOUNDARY);

        assertEquals("a", parser.next().name());
        assertEquals("b", parser.next().name());
        Part tail = parser.next();
        assertEquals("tail", tail.name());
        assertEquals("last", new String(tail.body().readAllBytes()));
        assertNull(parser.next());
    }
}
