package taskrunner.csv;

import java.util.List;

/**
 * One data row of a CSV file.
 *
 * <p>Invariant: {@code number} is the 1-based position of the row among data rows (the header
 * is not counted, blank lines are not counted); {@code cells} is unmodifiable and a {@code null}
 * element means the cell was missing (unquoted empty).
 *
 * @param number 1-based data row number
 * @param cells  cell values, null = missing
 */
public record CsvRow(long number, List<String> cells) {

    /** Renders the row the way error reports show it: missing cells empty, values verbatim. */
    public String toLineText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String cell = cells.get(i);
            if (cell != null) {
                sb.append(cell);
            }
        }
        return sb.toString();
    }
}
