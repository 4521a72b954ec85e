package taskrunner.http.multipart;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of the current part as an {@link InputStream}.
 *
 * <p>Invariant: while live, delivers exactly the bytes between the part's header block and the
 * next delimiter, in order, then -1; once retired, every read throws, because the shared
 * underlying input has moved on to another part.
 */
final class PartBodyStream extends InputStream {
    private final DelimitedInput input;
    private final byte[] one = new byte[1];
    private boolean retired;

    PartBodyStream(DelimitedInput input) {
        this.input = input;
    }

    void retire() {
        retired = true;
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (retired) {
            throw new IOException("part body read after the parser advanced to the next part");
        }
        return input.readSection(b, off, len);
    }

    @Override
    public void close() {
        // Deliberately leaves the request stream open: later parts are still to be read from it.
    }
}
