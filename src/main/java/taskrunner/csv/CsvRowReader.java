package taskrunner.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a CSV file, one record in memory at a time: the one CSV reader of
 * the server. Text is UTF-8 unless the caller names another charset, decoded strictly (bad
 * UTF-8 is a {@link java.nio.charset.CharacterCodingException}, an IOException) and a leading
 * byte order mark is dropped ({@link BomSkippingReader}); cells follow {@link CsvFormats#READ}, so an
 * unquoted empty cell is null (missing) and a quoted {@code ""} is the empty string.
 *
 * <p>Invariant: {@link #header()} is fixed at construction (the first non-blank record, or an
 * empty list for empty input) and is never returned again by {@link #next()}; rows are handed out
 * in file order with strictly increasing numbers starting at 1, and nothing read so far is
 * retained, so memory does not grow with the file.
 *
 * <p>Size limits ({@link CsvLimits}) are enforced below the parser, not after it: commons-csv
 * builds a whole cell in a StringBuilder (and a whole record in a list) before handing anything
 * back, so checking a returned record would come after the memory was spent, and the parser's
 * character positions are only known per record. Instead the text reaches the parser through a
 * {@link CappedReader}, which follows the same tokenizing rules character by character and refuses
 * to pass on the character that would make a cell or row too long: the parser then fails with
 * {@link TooLarge} (row number and which limit), every row before the oversized one having been
 * read normally. The memory one reader holds is therefore bounded by the row limit, whatever the
 * input: at most {@code maxRowChars} characters of finished cells plus the cell being built (a
 * StringBuilder of at most about twice {@code maxCellChars} capacity), plus the parser's 8 KiB read
 * buffer, the decoder's 8 KiB and, with a sniffed separator, the {@link #SNIFF_CHARS} look-ahead
 * buffer; at most 2 bytes per character. Bytes read from the stream before the refusal are the
 * oversized row's prefix plus those buffers.
 */
public final class CsvRowReader implements AutoCloseable {

    /** How the cell separator is chosen. */
    public enum Separator {
        /** Always {@code ,}. */
        COMMA,
        /**
         * {@code ;} if the first two lines hold the same non-zero number of {@code ;}, else
         * {@code ,} (RowStore's rule); the lines are looked at within the first
         * {@link #SNIFF_CHARS} characters and then read again as CSV.
         */
        SNIFFED,
        /**
         * Whichever of {@code , ; TAB |} splits the first {@link #SNIFF_LINES} lines (within
         * {@link #SNIFF_CHARS} characters, quoted text not counted) into the same non-zero
         * number of cells on every line, the most cells winning and ties going in that order;
         * if none is that regular, the one found most often on the first line; {@code ,} if
         * none is there (DataPusher's files: CSV, TSV and their cousins).
         */
        COMMON
    }

    /** How many lines {@link Separator#COMMON} compares. */
    public static final int SNIFF_LINES = 10;
    private static final String COMMON_SEPARATORS = ",;\t|";

    /** How far {@link Separator#SNIFFED} looks ahead for the first two lines. */
    public static final int SNIFF_CHARS = 64 * 1024;

    private final CappedReader capped;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private long rowNumber;

    /**
     * Reads the header eagerly so callers can validate columns before touching any data.
     *
     * @throws IOException on I/O failure or if the header record itself cannot be parsed
     */
    public CsvRowReader(InputStream in, CsvLimits limits) throws IOException {
        this(in, Separator.COMMA, limits);
    }

    /**
     * As {@link #CsvRowReader(InputStream, CsvLimits)}, with the separator chosen by {@code separator}.
     *
     * @throws IOException on I/O failure, bad UTF-8 in what was looked at, or an unparsable header
     * @throws TooLarge    if the header is over {@code limits}
     */
    public CsvRowReader(InputStream in, Separator separator, CsvLimits limits) throws IOException {
        this(in, separator, StandardCharsets.UTF_8, limits);
    }

    /**
     * As {@link #CsvRowReader(InputStream, Separator, CsvLimits)}, with the text in {@code charset}
     * (decoded as strictly as UTF-8 is).
     */
    public CsvRowReader(InputStream in, Separator separator, Charset charset, CsvLimits limits) throws IOException {
        Reader text = BomSkippingReader.open(in, charset);
        CSVFormat format = CsvFormats.READ;
        if (separator != Separator.COMMA) {
            BufferedReader buffered = new BufferedReader(text, SNIFF_CHARS);
            char delimiter = separator == Separator.SNIFFED ? (semicolons(buffered) ? ';' : ',') : common(buffered);
            if (delimiter != ',') format = CsvFormats.READ.builder().setDelimiter(delimiter).get();
            text = buffered;
        }
        // The header is read as an ordinary record rather than via setHeader(): commons-csv's own
        // header handling rejects empty/duplicate names with its own messages, and we want to
        // decide that (and the wording) in CsvCheck.
        this.capped = new CappedReader(text, format.getDelimiterString().charAt(0), limits);
        this.parser = CSVParser.parse(capped, format);
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
     * @throws TooLarge    if this row is over the limits; the reader is then unusable
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
            // whatever commons-csv made of a refusal, callers get the typed one
            throw capped.tripped() != null ? capped.tripped() : e.getCause();
        }
    }

    /** Whether the first two lines hold the same non-zero number of {@code ;}; reads nothing away. */
    private static boolean semicolons(BufferedReader in) throws IOException {
        in.mark(SNIFF_CHARS);
        int[] semis = new int[2];
        int line = 0;
        for (int i = 0, c; i < SNIFF_CHARS && line < 2 && (c = in.read()) != -1; i++) {
            if (c == '\n') line++;
            else if (c == ';') semis[line]++;
        }
        in.reset();
        return semis[0] > 0 && semis[0] == semis[1];
    }

    /** {@link Separator#COMMON}'s choice for the text ahead; reads nothing away. */
    private static char common(BufferedReader in) throws IOException {
        int kinds = COMMON_SEPARATORS.length();
        int[][] counts = new int[SNIFF_LINES][kinds];
        int lines = 0;
        boolean quoted = false;
        boolean content = false;
        boolean ended = false;
        in.mark(SNIFF_CHARS);
        for (int i = 0; lines < SNIFF_LINES; i++) {
            int c = i < SNIFF_CHARS ? in.read() : -2;
            if (c < 0) {
                ended = c == -1; // a line cut by the look-ahead's end is not compared
                break;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                if (content) lines++;
                content = false;
                continue;
            } else if (!quoted) {
                int k = COMMON_SEPARATORS.indexOf(c);
                if (k >= 0) counts[lines][k]++;
            }
            content = true;
        }
        in.reset();
        if (ended && content && lines < SNIFF_LINES) lines++;
        int best = -1;
        for (int k = 0; k < kinds && lines > 0; k++) {
            boolean regular = counts[0][k] > 0;
            for (int l = 1; l < lines && regular; l++) regular = counts[l][k] == counts[0][k];
            if (regular && (best < 0 || counts[0][k] > counts[0][best])) best = k;
        }
        if (best < 0) {
            for (int k = 0; k < kinds; k++) if (counts[0][k] > 0 && (best < 0 || counts[0][k] > counts[0][best])) best = k;
        }
        return best < 0 ? ',' : COMMON_SEPARATORS.charAt(best);
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
