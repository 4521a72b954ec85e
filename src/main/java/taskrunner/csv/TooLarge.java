package taskrunner.csv;

import java.io.IOException;

/**
 * A CSV cell or row is over its {@link CsvLimits}: the input is refused as a whole. An
 * {@link IOException} because it surfaces from the reader under the CSV parser, where nothing
 * else can pass; callers that answer clients catch it before other I/O failures and show
 * {@link #getMessage()} verbatim.
 */
public final class TooLarge extends IOException {

    /** Which limit was exceeded. */
    public enum Cap {
        /** {@link CsvLimits#maxCellChars()}. */
        CELL,
        /** {@link CsvLimits#maxRowChars()}. */
        ROW
    }

    private final long row;
    private final Cap cap;
    private final long limit;

    /** @param row the data row's number, counting from 1 as {@link CsvRow#number()} does; 0 is the header */
    public TooLarge(long row, Cap cap, long limit) {
        super(message(row, cap, limit), null);
        this.row = row;
        this.cap = cap;
        this.limit = limit;
    }

    public long row() {
        return row;
    }

    public Cap cap() {
        return cap;
    }

    public long limit() {
        return limit;
    }

    private static String message(long row, Cap cap, long limit) {
        String where = row == 0 ? "the CSV header" : "CSV row " + row;
        return switch (cap) {
            case CELL -> where + " has a cell longer than the limit of " + limit + " characters";
            case ROW -> where + " is longer than the limit of " + limit + " characters (its cells together)";
        };
    }
}
