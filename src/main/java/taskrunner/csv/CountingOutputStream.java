package taskrunner.csv;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes through while counting them.
 *
 * <p>Invariant: {@link #count()} equals the number of bytes successfully handed to the underlying
 * stream by this wrapper (not necessarily flushed by it).
 */
final class CountingOutputStream extends FilterOutputStream {

    private long count;

    CountingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    // Overridden because FilterOutputStream's default degrades to one call per byte.
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count += len;
    }

    long count() {
        return count;
    }
}
