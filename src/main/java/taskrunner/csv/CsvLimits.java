package taskrunner.csv;

/**
 * How large one CSV cell and one CSV row may be, in characters (UTF-16 code units) of their
 * values: a cell's value is its text without the enclosing quotes and with each doubled quote
 * counted once; a row is the sum of its cells' values (separators and the line ending are not
 * counted). {@link CsvRowReader} enforces them while reading; the server's values come from
 * {@code Config} ({@code maxCsvCellChars}, {@code maxCsvRowChars}).
 *
 * <p>Invariant: both limits are at least 1 and a cell never has more room than its row.
 *
 * @param maxCellChars characters one cell may hold
 * @param maxRowChars  characters all cells of one row may hold together
 */
public record CsvLimits(long maxCellChars, long maxRowChars) {

    /** No limit: only for CSV the server wrote itself, whose rows passed the limits when they came in. */
    public static final CsvLimits NONE = new CsvLimits(Long.MAX_VALUE, Long.MAX_VALUE);

    public CsvLimits {
        if (maxCellChars < 1 || maxRowChars < 1) {
            throw new IllegalArgumentException("CSV limits must be at least 1, not " + maxCellChars + "/" + maxRowChars);
        }
        maxCellChars = Math.min(maxCellChars, maxRowChars);
    }

    /**
     * Whether one row of these cells is within the limits, as if read from a CSV file; for
     * input that never was CSV text (JSON records). Null cells count as empty.
     *
     * @param row the row's number, for the exception (0 = the header)
     * @throws TooLarge naming the first limit exceeded
     */
    public void check(long row, Iterable<String> cells) throws TooLarge {
        long total = 0;
        for (String c : cells) {
            int n = c == null ? 0 : c.length();
            if (n > maxCellChars) throw new TooLarge(row, TooLarge.Cap.CELL, maxCellChars);
            total += n;
            if (total > maxRowChars) throw new TooLarge(row, TooLarge.Cap.ROW, maxRowChars);
        }
    }
}
