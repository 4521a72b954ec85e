package taskrunner.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts JSON records into a CSV table in {@link CsvFormats#WRITE}.
 *
 * <p>Invariant: the columns are exactly the keys of the first record, in its order; every later
 * record yields one row of that width (extra keys dropped, absent keys missing), so the output is
 * never ragged. Each record is written as soon as it is seen; nothing is accumulated.
 */
public final class JsonRecordsToCsv {

    private JsonRecordsToCsv() {
    }

    /**
     * Writes header and rows to {@code out}, flushing but not closing it (the caller owns it).
     * No records, or a first record without keys, produce no output: a CSV without columns
     * cannot be read back.
     *
     * @return number of data rows written
     */
    public static long write(Iterable<? extends Map<String, ?>> records, OutputStream out)
            throws IOException {
        List<String> columns = null;
        long rows = 0;
        // Flushed, never closed: closing would close the caller's stream, and the writer holds
        // nothing that a flush leaves behind.
        CsvRowWriter writer = new CsvRowWriter(out);
        for (Map<String, ?> record : records) {
            if (columns == null) {
                columns = List.copyOf(record.keySet());
                if (columns.isEmpty()) {
                    break;
                }
                writer.write(columns);
            }
            writer.write(row(columns, record));
            rows++;
        }
        writer.flush();
        return rows;
    }

    private static List<String> row(List<String> columns, Map<String, ?> record) {
        List<String> cells = new ArrayList<>(columns.size());
        for (String column : columns) {
            cells.add(JsonCellText.of(record.get(column)));
        }
        return cells;
    }
}
