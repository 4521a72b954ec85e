package taskrunner.entryscape.rowstore;

import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;
import taskrunner.csv.TooLarge;
import taskrunner.http.BodyTooLarge;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Reads a CSV given to RowStore, one row at a time, as RowStore reads it: the server's
 * {@link CsvRowReader} with the separator sniffed ({@link CsvRowReader.Separator#SNIFFED});
 * header cells trimmed and lower-cased, empty header cells skipped (with their column);
 * missing cells are ""; a row with more cells than the header fails.
 *
 * <p>Invariant: holds one row in memory; every problem of the input comes out as a
 * {@link DatasetError}, while a body over its limit or an interrupt stays an IOException.
 */
public final class CsvInput implements AutoCloseable {
    private final String name;
    private final CsvRowReader reader;
    private final List<String> columns = new ArrayList<>();
    private final List<Integer> keep = new ArrayList<>();
    private final int headerWidth;

    /** @param limits the size limits: a cell or row over them is a {@link DatasetError} saying which */
    public CsvInput(InputStream raw, String name, CsvLimits limits) throws IOException, DatasetError {
        this.name = name;
        try {
            this.reader = new CsvRowReader(raw, CsvRowReader.Separator.SNIFFED, limits);
        } catch (IOException e) {
            throw classify(e);
        }
        List<String> header = reader.header();
        if (header.isEmpty()) throw new DatasetError(name + " is empty: a CSV with a header row is needed");
        headerWidth = header.size();
        var seen = new HashSet<String>();
        for (int i = 0; i < header.size(); i++) {
            String c = header.get(i) == null ? "" : header.get(i).trim().toLowerCase(Locale.ROOT);
            if (c.isEmpty()) continue;
            if (!seen.add(c)) throw new DatasetError(name + ": column \"" + c + "\" appears twice in the header");
            columns.add(c);
            keep.add(i);
        }
        if (columns.isEmpty()) throw new DatasetError(name + ": the header row names no columns");
    }

    /** Column names (trimmed, lower-cased) in file order. */
    public List<String> columns() {
        return columns;
    }

    /** The next row's cells, one per column (missing cells are ""), or null at the end. */
    public List<String> next() throws IOException, DatasetError {
        CsvRow r;
        try {
            r = reader.next();
        } catch (IOException e) {
            throw classify(e);
        }
        if (r == null) return null;
        List<String> row = r.cells();
        if (row.size() > headerWidth) {
            throw new DatasetError(name + ": row " + r.number() + " has " + row.size() + " cells, the header has " + headerWidth);
        }
        var cells = new ArrayList<String>(keep.size());
        for (int i : keep) cells.add(i < row.size() && row.get(i) != null ? row.get(i) : "");
        return cells;
    }

    private DatasetError classify(IOException e) throws IOException {
        if (e instanceof BodyTooLarge || e instanceof ClosedByInterruptException || e instanceof InterruptedIOException
                || Thread.currentThread().isInterrupted()) throw e;
        if (e instanceof TooLarge t) return new DatasetError(name + ": " + t.getMessage());
        if (e instanceof CharacterCodingException) return new DatasetError(name + ": not UTF-8 text");
        return new DatasetError(name + ": not valid CSV (" + e.getMessage() + ")");
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
