package taskrunner.csv;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field rules of a row task type, written once for every place a row is checked: a whole
 * CSV at upload ({@link CsvCheck}), each row of a running task, one row given as a map (a
 * CKAN row job).
 *
 * <p>The rule: a mandatory field has no value in a row when its cell is missing — null (an
 * unquoted empty CSV cell, a JSON null), past the end of a short row, or its column is not
 * there at all; a quoted {@code ""} is a value. A column outside mandatory ∪ optional is
 * unknown, unless the type accepts any columns. Lists of fields come in mandatory order,
 * lists of columns in the order given.
 */
public final class RowFields {
    private final List<String> mandatory;
    private final Set<String> known;
    private final boolean acceptsAnyColumns;

    /**
     * @param mandatory         fields that must be there and have a value in every row
     * @param optional          fields that may be there
     * @param acceptsAnyColumns if true, no column is unknown
     */
    public RowFields(List<String> mandatory, List<String> optional, boolean acceptsAnyColumns) {
        this.mandatory = List.copyOf(mandatory);
        Set<String> all = new LinkedHashSet<>(mandatory);
        all.addAll(optional);
        this.known = Set.copyOf(all);
        this.acceptsAnyColumns = acceptsAnyColumns;
    }

    public List<String> mandatory() {
        return mandatory;
    }

    /** The columns these rules do not know; none when any columns are accepted. */
    public List<String> unknown(Collection<String> columns) {
        if (acceptsAnyColumns) return List.of();
        List<String> out = new ArrayList<>();
        for (String c : columns) if (c == null || !known.contains(c)) out.add(c);
        return out;
    }

    /** The mandatory fields that are not among {@code columns}. */
    public List<String> absent(Collection<String> columns) {
        List<String> out = new ArrayList<>();
        for (String f : mandatory) if (!columns.contains(f)) out.add(f);
        return out;
    }

    /** The mandatory fields without a value in a row given as field to value (no key: no value). */
    public List<String> missing(Map<String, ?> row) {
        List<String> out = null;
        for (String f : mandatory) {
            if (row.get(f) == null) {
                if (out == null) out = new ArrayList<>();
                out.add(f);
            }
        }
        return out == null ? List.of() : out;
    }

    /** The rules for the rows under one header, applied by position (for streaming a CSV). */
    public Header header(List<String> header) {
        return new Header(header);
    }

    /** {@link RowFields} bound to the column positions of one header. */
    public final class Header {
        private final List<String> columns;
        private final int[] mandatoryPositions;

        private Header(List<String> header) {
            this.columns = header;
            // Every position, not indexOf: a duplicated mandatory column must be filled everywhere.
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                if (mandatory.contains(header.get(i))) idx.add(i);
            }
            this.mandatoryPositions = idx.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The mandatory fields the header does not name. */
        public List<String> absent() {
            return RowFields.this.absent(columns);
        }

        /** The header's columns these rules do not know. */
        public List<String> unknown() {
            return RowFields.this.unknown(columns);
        }

        /**
         * Whether a mandatory column of the header has no value in this row. Fields the header
         * lacks are not counted here: that is the header's problem ({@link #absent()}), once.
         */
        public boolean lacksValue(List<String> cells) {
            for (int i : mandatoryPositions) {
                if (i >= cells.size() || cells.get(i) == null) return true;
            }
            return false;
        }
    }
}
