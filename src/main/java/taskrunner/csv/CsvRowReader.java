package taskrunner.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a UTF-8 CSV file, one record in memory at a time.
 *
 * <p>Invariant: {@link #header()} is fixed at construction (the first non-blank record, or an
 * empty list for empty input) and is never returned again by {@link #next()}; rows are handed out
 * in file order with strictly increasing numbers starting at 1, and nothing read so far is
 * retained, so memory does not grow with the file.
 */
public final class CsvRowReader implements AutoCloseable {

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private long rowNumber;

    /**
     * Reads the header eagerly so callers can validate columns before touching any data.
     *
     * @throws IOException on I/O failure or if the header record itself cannot be parsed
     */
    public CsvRowReader(InputStream in) throws IOException {
        // The header is read as an ordinary record rather than via setHeader(): commons-csv's own
        // header handling rejects empty/duplicate names with its own messages, and we want to
        // decide that (and the wording) in CsvCheck.
        this.parser = CSVParser.parse(BomSkippingReader.open(in), CsvFormats.READ);
        this.records = parser.iterator();
        CSVRecord first = advance();
        this.header = first == null ? List.of() : cellsOf(first);
    }

    /** The header cells; empty if the input had no records. A null element = empty header cell. */
    public List<String> header() {
        return header;
    }

    /**
     * The next data row, or {@code null} at end of input.
     *
     * @throws IOException on I/O failure or malformed CSV (e.g. unterminated quote)
     */
    public CsvRow next() throws IOException {
        CSVRecord record = advance();
        if (record == null) {
            return null;
        }
        return new CsvRow(++rowNumber, cellsOf(record));
    }

    /** Number of data rows returned so far. */
    public long rowsRead() {
        return rowNumber;
    }

    private CSVRecord advance() throws IOException {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            // commons-csv's iterator smuggles parse errors out unchecked; give callers the
            // checked exception back so "bad input" can't be mistaken for a programming error.
            throw e.getCause();
        }
    }

    private static List<String> cellsOf(CSVRecord record) {
        // Arrays.asList tolerates nulls (List.of doesn't) and wraps without copying twice.
        return Collections.unmodifiableList(Arrays.asList(record.values()));
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
