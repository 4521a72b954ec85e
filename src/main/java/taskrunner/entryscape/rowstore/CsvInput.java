package taskrunner.entryscape.rowstore;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import taskrunner.http.BodyTooLarge;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads a CSV given to RowStore, one row at a time, as RowStore reads it: UTF-8 (a BOM is
 * skipped), separator {@code ;} if the first two lines hold the same non-zero number of
 * {@code ;} else {@code ,}, quote {@code "}; header cells trimmed and lower-cased, empty
 * header cells skipped (with their column); a row with more cells than the header fails.
 *
 * <p>Invariant: holds one row in memory; every problem of the input comes out as a
 * {@link DatasetError}, while a body over its limit or an interrupt stays an IOException.
 */
public final class CsvInput implements AutoCloseable {
    private static final int SNIFF_BYTES = 64 * 1024;
    private final String name;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> columns = new ArrayList<>();
    private final List<Integer> keep = new ArrayList<>();
    private int headerWidth;
    private long rows;

    public CsvInput(InputStream raw, String name) throws IOException, DatasetError {
        this.name = name;
        var in = new BufferedInputStream(raw, SNIFF_BYTES);
        char sep = sniff(in);
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        var format = CSVFormat.RFC4180.builder().setDelimiter(sep).setIgnoreEmptyLines(true).get();
        this.parser = CSVParser.parse(new InputStreamReader(in, decoder), format);
        this.records = parser.iterator();
        CSVRecord header = advance();
        if (header == null) throw new DatasetError(name + " is empty: a CSV with a header row is needed");
        headerWidth = header.size();
        var seen = new HashSet<String>();
        for (int i = 0; i < header.size(); i++) {
            String c = header.get(i).trim().toLowerCase(Locale.ROOT);
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
        CSVRecord r = advance();
        if (r == null) return null;
        rows++;
        if (r.size() > headerWidth) {
            throw new DatasetError(name + ": row " + rows + " has " + r.size() + " cells, the header has " + headerWidth);
        }
        var cells = new ArrayList<String>(keep.size());
        for (int i : keep) cells.add(i < r.size() ? r.get(i) : "");
        return cells;
    }

    public long rowsRead() {
        return rows;
    }

    private CSVRecord advance() throws IOException, DatasetError {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            throw classify(e.getCause());
        } catch (IllegalStateException e) {
            throw new DatasetError(name + ": not valid CSV (" + e.getMessage() + ")");
        }
    }

    private DatasetError classify(IOException e) throws IOException {
        if (e instanceof BodyTooLarge || e instanceof ClosedByInterruptException || e instanceof InterruptedIOException
                || Thread.currentThread().isInterrupted()) throw e;
        if (e instanceof CharacterCodingException) return new DatasetError(name + ": not UTF-8 text");
        return new DatasetError(name + ": not valid CSV (" + e.getMessage() + ")");
    }

    /** Picks the separator from the first two lines without consuming them. */
    private static char sniff(BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        byte[] head = in.readNBytes(SNIFF_BYTES);
        in.reset();
        int start = head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF ? 3 : 0;
        if (start == 3) in.skipNBytes(3);
        int[] semis = new int[2];
        int line = 0;
        for (int i = start; i < head.length && line < 2; i++) {
            if (head[i] == '\n') line++;
            else if (head[i] == ';') semis[line]++;
        }
        return semis[0] > 0 && semis[0] == semis[1] ? ';' : ',';
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
