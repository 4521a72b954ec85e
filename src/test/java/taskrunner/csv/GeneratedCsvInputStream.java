package taskrunner.csv;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test input that synthesises a CSV on the fly, so streaming tests never hold the file in memory.
 *
 * <p>Invariant: produces a header line followed by exactly {@code rows} data lines
 * {@code "<n>","name <n>",<"x" or missing>} — every 1000th row has its third cell missing.
 */
final class GeneratedCsvInputStream extends InputStream {

    private final long rows;
    private long next; // 0 = header still to produce
    private byte[] line = new byte[0];
    private int pos;

    GeneratedCsvInputStream(long rows) {
        this.rows = rows;
    }

    @Override
    public int read() {
        if (!fill()) {
            return -1;
        }
        return line[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean fill() {
        if (pos < line.length) {
            return true;
        }
        if (next > rows) {
            return false;
        }
        String text = next == 0
                ? "id,name,extra\n"
                : "\"" + next + "\",\"name " + next + "\"," + (next % 1000 == 0 ? "" : "\"x\"") + "\n";
        line = text.getBytes(StandardCharsets.US_ASCII);
        pos = 0;
        next++;
        return true;
    }
}
