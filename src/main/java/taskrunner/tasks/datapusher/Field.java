package taskrunner.tasks.datapusher;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One column of the table a push creates, and how its cells become record values.
 *
 * @param id       the header cell, trimmed
 * @param position the column's index in each row of the file
 * @param type     its DataStore type
 * @param form     for a guessed timestamp, the form every value is written in; null: each value in
 *                 the first form that reads it (a column set to timestamp by its {@code type_override})
 * @param info     the existing column's {@code info} (its data dictionary), carried over; null if none
 */
record Field(String id, int position, FieldType type, DateForm form, Map<String, Object> info) {

    /** The field as {@code datastore_create} takes it: {@code id}, {@code type}, then any {@code info}. */
    Map<String, Object> wire() {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("type", type.wire);
        if (info != null) m.put("info", info);
        return m;
    }

    /**
     * The record value of a cell that the scan found to fit: text as it is (an empty cell is ""),
     * numbers per {@link Numeric#json}, timestamps as ISO text; a blank number or date is null.
     */
    Object value(String cell) {
        if (type == FieldType.TEXT) return cell == null ? "" : cell;
        String v = cell == null ? "" : cell.strip();
        if (v.isEmpty()) return null;
        if (type == FieldType.NUMERIC) return Numeric.json(v);
        LocalDateTime t = form != null ? form.read(v) : null;
        if (t == null) t = DateForm.any(v).read(v);
        return DateForm.isoformat(t);
    }
}
