package taskrunner.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One streaming validation pass over an input CSV against a task's field specification; what
 * makes a row or a header wrong is {@link RowFields}' rule.
 *
 * <p>Invariant: the check reads the input at most once, front to back, holding one row plus at
 * most {@link #MAX_REPORTED_ROWS} rendered offending rows; a format problem always wins over field
 * problems, because column-level complaints about a structurally broken file would mislead.
 */
public final class CsvCheck {

    /** Bound on rendered rows kept for the error body; the count itself is never capped. */
    public static final int MAX_REPORTED_ROWS = 100;

    private final RowFields fields;
    private final boolean anyRowPasses;
    private final CsvLimits limits;

    /**
     * @param mandatory         columns that must exist and have a value in every row
     * @param optional          columns that may exist
     * @param acceptsAnyColumns if true, columns outside mandatory ∪ optional are not reported
     * @param limits            how large a cell and a row may be; over them is a {@link FormatProblem}
     *                          saying which ({@link FormatProblem#of(TooLarge)})
     */
    public CsvCheck(List<String> mandatory, List<String> optional, boolean acceptsAnyColumns, CsvLimits limits) {
        this.fields = new RowFields(mandatory, optional, acceptsAnyColumns);
        this.anyRowPasses = acceptsAnyColumns && mandatory.isEmpty();
        this.limits = limits;
    }

    /** Convenience for a one-off check. */
    public static CsvCheckResult check(InputStream in, List<String> mandatory,
            List<String> optional, boolean acceptsAnyColumns, CsvLimits limits) {
        return new CsvCheck(mandatory, optional, acceptsAnyColumns, limits).check(in);
    }

    /**
     * Validates {@code in}. The stream is read but not closed; the caller owns it.
     * Parse and I/O errors become a {@link FormatProblem} rather than exceptions, since for an
     * uploaded file "unreadable" is just another way of being malformed.
     */
    public CsvCheckResult check(InputStream in) {
        List<String> header = List.of();
        long rows = 0;
        // Not try-with-resources: closing the reader would close the caller's stream.
        try {
            CsvRowReader reader = new CsvRowReader(in, limits);
            header = reader.header();
            if (header.isEmpty() || header.stream().anyMatch(h -> h == null || h.isEmpty())) {
                return formatProblem(rows, header);
            }
            RowFields.Header columns = fields.header(header);
            List<String> offending = new ArrayList<>();
            long offendingCount = 0;
            for (CsvRow row = reader.next(); row != null; row = reader.next()) {
                if (row.cells().size() != header.size()) {
                    return formatProblem(rows, header);
                }
                rows++;
                if (columns.lacksValue(row.cells())) {
                    offendingCount++;
                    if (offending.size() < MAX_REPORTED_ROWS) {
                        offending.add(row.toLineText());
                    }
                }
            }
            if (rows == 0) {
                return formatProblem(rows, header);
            }
            return new CsvCheckResult(rows, header, fieldProblems(columns, offending, offendingCount));
        } catch (TooLarge e) {
            return new CsvCheckResult(rows, header, Optional.of(FormatProblem.of(e)));
        } catch (IOException e) {
            return formatProblem(rows, header);
        }
    }

    /**
     * Validates JSON records exactly as {@link #check} would validate the CSV that
     * {@link JsonRecordsToCsv} makes of them (header = the first record's keys, cells as
     * {@link JsonCellText} renders them), without writing and parsing that CSV; the limits too,
     * so that records accepted here are not refused when their CSV is read.
     */
    public CsvCheckResult checkRecords(List<? extends java.util.Map<String, ?>> records) {
        if (records.isEmpty() || records.get(0).isEmpty()) return formatProblem(0, List.of());
        List<String> header = List.copyOf(records.get(0).keySet());
        if (header.contains("")) return formatProblem(0, header);
        try {
            limits.check(0, header);
            long n = 0;
            for (var record : records) {
                var cells = new ArrayList<String>(header.size());
                for (String h : header) cells.add(JsonCellText.of(record.get(h)));
                limits.check(++n, cells);
            }
        } catch (TooLarge e) {
            return new CsvCheckResult(0, header, Optional.of(FormatProblem.of(e)));
        }
        if (anyRowPasses) {
            return new CsvCheckResult(records.size(), header, Optional.empty()); // nothing a value could violate
        }
        RowFields.Header columns = fields.header(header);
        List<String> offending = new ArrayList<>();
        long offendingCount = 0;
        long rows = 0;
        for (var record : records) {
            rows++;
            var cells = new ArrayList<String>(header.size());
            for (String h : header) cells.add(JsonCellText.of(record.get(h)));
            CsvRow row = new CsvRow(rows, cells);
            if (columns.lacksValue(row.cells())) {
                offendingCount++;
                if (offending.size() < MAX_REPORTED_ROWS) offending.add(row.toLineText());
            }
        }
        return new CsvCheckResult(rows, header, fieldProblems(columns, offending, offendingCount));
    }

    private static Optional<Problem> fieldProblems(RowFields.Header columns, List<String> offending,
            long offendingCount) {
        List<String> unknown = columns.unknown();
        List<String> missingFields = columns.absent();
        if (unknown.isEmpty() && missingFields.isEmpty() && offendingCount == 0) {
            return Optional.empty();
        }
        return Optional.of(new FieldProblems(unknown, missingFields, offending, offendingCount));
    }

    private static CsvCheckResult formatProblem(long rows, List<String> header) {
        return new CsvCheckResult(rows, header, Optional.of(FormatProblem.standard()));
    }
}
