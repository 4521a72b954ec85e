package taskrunner.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a body through, failing with {@link BodyTooLarge} once more than limit bytes came:
 * the limit of a route's body ({@link Request#body()}) and of one uploaded part.
 */
public final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && ++count > limit) throw new BodyTooLarge(limit);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && (count += n) > limit) throw new BodyTooLarge(limit);
        return n;
    }
}
