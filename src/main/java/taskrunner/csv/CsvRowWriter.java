package taskrunner.csv;

import java.io.BufferedWriter;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes rows in {@link CsvFormats#WRITE} as UTF-8 with LF endings.
 *
 * <p>Invariant: after {@link #bytesWritten()} returns n, the first n bytes of the underlying
 * stream are exactly the complete records written so far — never a partial record — so n is a
 * safe checkpoint offset for resuming an output file.
 */
public final class CsvRowWriter implements AutoCloseable, Flushable {

    private final CountingOutputStream counter;
    private final CSVPrinter printer;

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public CsvRowWriter(OutputStream out) throws IOException {
        this.counter = new CountingOutputStream(out);
        this.printer = new CSVPrinter(
                new BufferedWriter(new OutputStreamWriter(counter, StandardCharsets.UTF_8)),
                CsvFormats.WRITE);
    }

    /** Writes one record; a null cell is written as an unquoted empty cell (missing). */
    public void write(List<String> cells) throws IOException {
        printer.printRecord(cells);
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
        printer.flush();
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }
}
