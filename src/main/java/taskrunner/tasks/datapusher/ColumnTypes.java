package taskrunner.tasks.datapusher;

import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.TaskContext;
import taskrunner.core.TaskContext.StoppedException;
import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The first of a push's two passes over its file: the columns and their types, decided before
 * anything is sent to CKAN. The type is guessed from the first {@link #SAMPLE_ROWS} rows, as
 * DataPusher does (numeric if every non-blank value is a {@link Numeric#strict} number, else
 * timestamp if one {@link DateForm} reads every one, else text; a column with no value is
 * text), and a column's {@code type_override} in the existing table wins over the guess.
 *
 * <p>The rest of the file is then read too, which DataPusher did not do: a later value that
 * does not fit its column's guessed type turns that column into text (noted as a
 * {@link Demotion}), so the load never meets a value the DataStore refuses halfway through and
 * never leaves half a table. A value that does not fit a type the user asked for with
 * {@code type_override} ends the job here instead, before the old table is touched.
 *
 * <p>Invariant: a column's type only ever goes from a guessed numeric or timestamp to text,
 * never back; rows that are blank in every column are skipped here and in the load alike
 * ({@link #blank}).
 */
final class ColumnTypes {
    static final int SAMPLE_ROWS = 1000;

    /** A guessed column found to hold a value of another kind in a later row (its number among the file's data rows). */
    record Demotion(String column, long row, String value, FieldType was) {}

    /** What the scan found: the fields, how many rows will be loaded, the columns turned to text. */
    record Result(List<Field> fields, long rows, List<Demotion> demotions) {}

    /** One named column: what its values so far fit, then its type. */
    private static final class Column {
        final String id;
        final int position;
        final Map<String, Object> info;
        final FieldType override;
        boolean seen;
        boolean numeric = true;
        final EnumSet<DateForm> forms = EnumSet.allOf(DateForm.class);
        FieldType type; // null while sampling
        DateForm form;

        Column(String id, int position, Map<String, Object> info) {
            this.id = id;
            this.position = position;
            this.info = info;
            this.override = info == null ? null : FieldType.named(info.get("type_override"));
        }

        String cell(CsvRow row) {
            String v = position < row.cells().size() ? row.cells().get(position) : null;
            return v == null ? "" : v.strip();
        }
    }

    private final List<Column> columns = new ArrayList<>();
    private final List<Demotion> demotions = new ArrayList<>();

    private ColumnTypes(List<String> header, Map<String, Map<String, Object>> existingInfo) throws JobError {
        var names = new HashSet<String>();
        for (int i = 0; i < header.size(); i++) {
            String id = header.get(i) == null ? "" : header.get(i).strip();
            if (id.isEmpty()) continue; // as DataPusher: a column without a name is not loaded
            if (!names.add(id)) throw new JobError("The file's header names the column \"" + id + "\" twice.");
            columns.add(new Column(id, i, existingInfo.get(id)));
        }
        if (columns.isEmpty()) throw new JobError("The file has no header row with column names: nothing to push.");
    }

    /**
     * Reads every row of {@code reader} (its header already read).
     *
     * @param existingInfo each existing column's {@code info}, by column id
     * @throws JobError        if the header is unusable or a value does not fit a {@code type_override}
     * @throws IOException     if the file cannot be read as CSV (a {@code CharacterCodingException}
     *                         if it is not in the reader's charset)
     * @throws StoppedException if the job is asked to stop
     */
    static Result scan(CsvRowReader reader, Map<String, Map<String, Object>> existingInfo, TaskContext ctx)
            throws JobError, IOException, StoppedException {
        var scan = new ColumnTypes(reader.header(), existingInfo);
        long rows = 0;
        for (CsvRow row; (row = reader.next()) != null; ) {
            ctx.checkpoint();
            if (blank(row)) continue;
            rows++;
            if (rows <= SAMPLE_ROWS) {
                scan.sample(row);
            } else {
                if (rows == SAMPLE_ROWS + 1) scan.decide();
                scan.check(row);
            }
        }
        if (rows <= SAMPLE_ROWS) scan.decide();
        var fields = new ArrayList<Field>();
        for (Column c : scan.columns) fields.add(new Field(c.id, c.position, c.type, c.form, c.info));
        return new Result(List.copyOf(fields), rows, List.copyOf(scan.demotions));
    }

    /** True if no cell holds anything but blanks: such a row is not loaded. */
    static boolean blank(CsvRow row) {
        for (String c : row.cells()) if (c != null && !c.isBlank()) return false;
        return true;
    }

    private void sample(CsvRow row) throws JobError {
        for (Column c : columns) {
            String v = c.cell(row);
            if (v.isEmpty()) continue;
            checkOverride(c, v, row.number());
            c.seen = true;
            if (c.numeric && !Numeric.strict(v)) c.numeric = false;
            if (!c.forms.isEmpty()) c.forms.removeIf(form -> form.read(v) == null);
        }
    }

    private void decide() {
        for (Column c : columns) {
            if (c.override != null) {
                c.type = c.override;
            } else if (c.seen && c.numeric) {
                c.type = FieldType.NUMERIC;
            } else if (c.seen && !c.forms.isEmpty()) {
                c.type = FieldType.TIMESTAMP;
                c.form = c.forms.iterator().next();
            } else {
                c.type = FieldType.TEXT;
            }
        }
    }

    /** A row after the sample: does each value fit its column's type? */
    private void check(CsvRow row) throws JobError {
        for (Column c : columns) {
            if (c.type == FieldType.TEXT) continue;
            String v = c.cell(row);
            if (v.isEmpty()) continue;
            if (c.override != null) {
                checkOverride(c, v, row.number());
            } else if (c.type == FieldType.NUMERIC ? !Numeric.strict(v) : c.form.read(v) == null) {
                demotions.add(new Demotion(c.id, row.number(), v, c.type));
                c.type = FieldType.TEXT;
                c.form = null;
            }
        }
    }

    private static void checkOverride(Column c, String v, long row) throws JobError {
        if (c.override == null || c.override == FieldType.TEXT) return;
        boolean fits = c.override == FieldType.NUMERIC ? Numeric.loose(v) : DateForm.any(v) != null;
        if (!fits) {
            throw new JobError("Column \"" + c.id + "\" is set to " + c.override.wire + " (type_override), but row " + row
                    + " holds \"" + v + "\", which is not " + (c.override == FieldType.NUMERIC ? "a number" : "a date")
                    + ". Nothing was changed in the DataStore.");
        }
    }
}
