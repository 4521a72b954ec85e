package taskrunner.csv;

import java.io.IOException;
import java.io.Reader;

/**
 * The reader between the decoded text and the CSV parser that keeps each cell and row within
 * {@link CsvLimits}. It follows the text with the parser's own tokenizing rules for
 * {@link CsvFormats#READ} (RFC 4180: a quote opens a quoted cell only at a cell's start, a doubled
 * quote inside one is one character, no escape character; CR, LF and CRLF end a record outside
 * quotes; empty lines are no record), so it knows at every character which cell and row that
 * character belongs to and how long their values are so far.
 *
 * <p>Invariant: the parser is never handed the character that makes a cell or row exceed its
 * limit, nor anything after it. The characters before it are handed out as usual (so every row
 * before the oversized one parses normally); the next read after them throws {@link TooLarge},
 * and so does every read after that.
 */
final class CappedReader extends Reader {
    private enum State { START, UNQUOTED, QUOTED, QUOTE_SEEN, AFTER_QUOTE }

    private final Reader in;
    private final char delimiter;
    private final long maxCell;
    private final long maxRow;
    private State state = State.START;
    private long cell;
    private long row;
    private boolean lineHasContent;
    /** Records completed so far, the header included: the number of the data row being read. */
    private long records;
    private TooLarge tripped;

    CappedReader(Reader in, char delimiter, CsvLimits limits) {
        this.in = in;
        this.delimiter = delimiter;
        this.maxCell = limits.maxCellChars();
        this.maxRow = limits.maxRowChars();
    }

    /** The limit exceeded so far, or null. */
    TooLarge tripped() {
        return tripped;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (tripped != null) throw tripped;
        int n = in.read(buf, off, len);
        int end = off + n;
        for (int i = off; i < end; ) {
            // Hot path: a run of plain characters inside a cell is counted in one step.
            if (state == State.UNQUOTED || state == State.QUOTED) {
                boolean quoted = state == State.QUOTED;
                int j = i;
                while (j < end && plain(buf[j], quoted)) j++;
                long run = j - i;
                if (run > 0 && cell + run <= maxCell && row + run <= maxRow) {
                    cell += run;
                    row += run;
                    lineHasContent = true;
                    i = j;
                    continue;
                }
            }
            if (!accept(buf[i])) {
                if (i == off) throw tripped;
                return i - off;
            }
            i++;
        }
        return n;
    }

    /** A character that only lengthens the current cell (no delimiter, quote or line end). */
    private boolean plain(char c, boolean quoted) {
        return c != '"' && (quoted || (c != delimiter && c != '\r' && c != '\n'));
    }

    /** Follows one character; false (and {@link #tripped} set) if it exceeds a limit. */
    private boolean accept(char c) {
        boolean lineEnd = c == '\r' || c == '\n';
        switch (state) {
            case START -> {
                if (c == '"') {
                    state = State.QUOTED;
                    lineHasContent = true;
                } else if (c == delimiter) {
                    lineHasContent = true;
                } else if (lineEnd) {
                    endRecord();
                } else {
                    state = State.UNQUOTED;
                    return add();
                }
            }
            case UNQUOTED, AFTER_QUOTE -> {
                if (c == delimiter) endCell();
                else if (lineEnd) endRecord();
                else return add();
            }
            case QUOTED -> {
                if (c == '"') state = State.QUOTE_SEEN;
                else return add();
            }
            case QUOTE_SEEN -> {
                if (c == '"') {
                    state = State.QUOTED; // a doubled quote: one character of the value
                    return add();
                } else if (c == delimiter) {
                    endCell();
                } else if (lineEnd) {
                    endRecord();
                } else {
                    state = State.AFTER_QUOTE; // the parser refuses or skips it; counted to be safe
                    return add();
                }
            }
        }
        return true;
    }

    private boolean add() {
        lineHasContent = true;
        if (++cell > maxCell) {
            tripped = new TooLarge(records, TooLarge.Cap.CELL, maxCell);
        } else if (++row > maxRow) {
            tripped = new TooLarge(records, TooLarge.Cap.ROW, maxRow);
        }
        return tripped == null;
    }

    private void endCell() {
        state = State.START;
        cell = 0;
    }

    private void endRecord() {
        if (lineHasContent) records++;
        lineHasContent = false;
        state = State.START;
        cell = 0;
        row = 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
