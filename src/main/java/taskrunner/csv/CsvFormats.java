package taskrunner.csv;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * The two CSV dialects the task server speaks.
 *
 * <p>Invariant: both formats are RFC 4180 based and immutable; {@link #READ} maps an unquoted
 * empty cell to {@code null} ("missing") and a quoted empty cell {@code ""} to the empty string
 * ("present"), and {@link #WRITE} is its inverse, so a row read with one and written with the
 * other keeps the missing/present distinction.
 */
public final class CsvFormats {

    /**
     * Reading format. commons-csv only keeps a quoted {@code ""} distinct from an unquoted empty
     * cell when the quote mode is "strict" (ALL_NON_NULL); the null string "" then turns only the
     * unquoted empty cell into null. Blank lines are skipped because spreadsheets love to append
     * them, and an empty line is never a meaningful record.
     */
    public static final CSVFormat READ = CSVFormat.RFC4180.builder()
            .setNullString("")
            .setQuoteMode(QuoteMode.ALL_NON_NULL)
            .setIgnoreEmptyLines(true)
            .get();

    /**
     * Writing format. Quoting every non-null cell is what lets a reader tell "" from missing;
     * LF-only endings because the outputs are consumed by Unix tooling and compared byte-wise.
     */
    public static final CSVFormat WRITE = CSVFormat.RFC4180.builder()
            .setQuoteMode(QuoteMode.ALL_NON_NULL)
            .setRecordSeparator("\n")
            .get();

    private CsvFormats() {
    }
}
