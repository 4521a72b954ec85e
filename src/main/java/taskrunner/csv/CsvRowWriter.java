package taskrunner.csv;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes rows as UTF-8 with LF endings, every non-null cell quoted ({@code "} doubled) and
 * null cells empty and unquoted: the format of {@link CsvFormats#WRITE}, written by hand
 * because that fixed shape needs no general printer, and the printer's buffers and streams
 * cost more than the rows on small outputs.
 *
 * <p>Invariant: after {@link #bytesWritten()} returns n, the first n bytes of the underlying
 * stream are exactly the complete records written so far — never a partial record — so n is a
 * safe checkpoint offset for resuming an output file.
 */
public final class CsvRowWriter implements AutoCloseable, Flushable {

    private final CountingOutputStream counter;
    private final StringBuilder line = new StringBuilder(256);

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public CsvRowWriter(OutputStream out) throws IOException {
        this.counter = new CountingOutputStream(out);
    }

    /** Writes one record; a null cell is written as an unquoted empty cell (missing). */
    public void write(List<String> cells) throws IOException {
        line.setLength(0);
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) line.append(',');
            String cell = cells.get(i);
            if (cell == null) continue;
            line.append('"');
            // whole cells where there is no quote to double: a char at a time was half of a 1M-row echo's CPU
            if (cell.indexOf('"') < 0) line.append(cell);
            else line.append(cell.replace("\"", "\"\""));
            line.append('"');
        }
        line.append('\n');
        counter.write(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Bytes written to the underlying stream so far. Flushes first, because bytes still sitting
     * in the encoder or buffer would make the offset point into the middle of a record.
     */
    public long bytesWritten() throws IOException {
        flush();
        return counter.count();
    }

    @Override
    public void flush() throws IOException {
        counter.flush();
    }

    @Override
    public void close() throws IOException {
        counter.close();
    }
}
