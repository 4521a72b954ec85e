package taskrunner.http.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered view of the raw body that splits it into sections at each boundary delimiter
 * ({@code CRLF "--" boundary}).
 *
 * <p>Invariant: {@code 0 <= pos <= safeEnd <= lim <= buf.length} whenever {@code safeEnd >= 0};
 * bytes {@code buf[pos, safeEnd)} are known to belong to the current section, and if
 * {@code delimiterAtSafeEnd} a complete delimiter starts at {@code safeEnd}. At most
 * {@code buf.length} bytes are ever held, whatever the section size.
 */
final class DelimitedInput {
    static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    /** -1 when the buffer has not been scanned since the last refill. */
    private int safeEnd = -1;
    private boolean delimiterAtSafeEnd;
    private boolean sectionEnded;

    DelimitedInput(InputStream in, String boundary, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // Room for a partial delimiter carried over plus at least as much fresh data per refill.
        if (bufferSize < 2 * delimiter.length) {
            throw new IllegalArgumentException("buffer too small for boundary: " + bufferSize);
        }
        this.buf = new byte[bufferSize];
        // The first delimiter may sit at the very start of the body with no CRLF before it;
        // pretending one was there lets the preamble be handled as an ordinary section.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** Begins the section following the delimiter tail and headers just consumed. */
    void startSection() {
        sectionEnded = false;
        safeEnd = -1;
    }

    /**
     * Reads bytes of the current section; returns -1 once its closing delimiter has been consumed.
     *
     * @throws MultipartException if the stream ends before the delimiter
     */
    int readSection(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (sectionEnded) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (safeEnd < 0) {
                scan();
            }
            if (pos < safeEnd) {
                int n = Math.min(len, safeEnd - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            if (delimiterAtSafeEnd) {
                consumeDelimiter();
                return -1;
            }
            if (!fill()) {
                throw new MultipartException("stream ended inside a part, before the closing boundary");
            }
        }
    }

    /** Discards the rest of the current section; false if the stream ended before its delimiter. */
    boolean skipSection() throws IOException {
        if (sectionEnded) {
            return true;
        }
        while (true) {
            if (safeEnd < 0) {
                scan();
            }
            pos = safeEnd;
            if (delimiterAtSafeEnd) {
                consumeDelimiter();
                return true;
            }
            if (!fill()) {
                return false;
            }
        }
    }

    /** Reads one raw byte outside any section (delimiter tail, headers); -1 at end of stream. */
    int readRawByte() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        safeEnd = -1;
        return buf[pos++] & 0xff;
    }

    private void consumeDelimiter() {
        pos += delimiter.length;
        sectionEnded = true;
        safeEnd = -1;
    }

    /** Finds where the current section's bytes in the buffer stop being certain. */
    private void scan() {
        byte first = delimiter[0];
        for (int i = pos; i < lim; i++) {
            if (buf[i] != first) {
                continue;
            }
            int n = Math.min(delimiter.length, lim - i);
            if (Arrays.equals(buf, i, i + n, delimiter, 0, n)) {
                // A match cut off by the end of the buffer may still turn out to be data;
                // hold it back until a refill decides.
                safeEnd = i;
                delimiterAtSafeEnd = n == delimiter.length;
                return;
            }
        }
        safeEnd = lim;
        delimiterAtSafeEnd = false;
    }

    /** Compacts and reads more input; false at end of stream. */
    private boolean fill() throws IOException {
        safeEnd = -1;
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (true) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
                return false;
            }
            if (n > 0) {
                lim += n;
                return true;
            }
        }
    }
}
