package taskrunner.tasks.datapusher;

import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The second pass of a push: the file's rows as {@code datastore_create} records, in chunks of
 * {@link PushToDatastore#CHUNK_ROWS}, each knowing whether it is the last (DataPusher's
 * {@code chunky}). A record holds each named column's value ({@link Field#value}); a cell the
 * row does not have is left out, and a row blank in every cell is skipped, as the scan did.
 *
 * <p>Invariant: one record is read ahead, so a chunk is last exactly when no record follows it;
 * nothing else of the file is held.
 */
final class RecordChunks {
    /** One chunk of records. */
    record Chunk(List<Map<String, Object>> records, boolean last) {}

    private final CsvRowReader rows;
    private final List<Field> fields;
    private Map<String, Object> ahead;

    RecordChunks(CsvRowReader rows, List<Field> fields) throws IOException {
        this.rows = rows;
        this.fields = fields;
        this.ahead = record();
    }

    /** The next chunk, or null after the last. */
    Chunk next() throws IOException {
        if (ahead == null) return null;
        var records = new ArrayList<Map<String, Object>>(PushToDatastore.CHUNK_ROWS);
        while (ahead != null && records.size() < PushToDatastore.CHUNK_ROWS) {
            records.add(ahead);
            ahead = record();
        }
        return new Chunk(records, ahead == null);
    }

    private Map<String, Object> record() throws IOException {
        for (CsvRow row; (row = rows.next()) != null; ) {
            if (ColumnTypes.blank(row)) continue;
            var record = new LinkedHashMap<String, Object>();
            for (Field f : fields) {
                if (f.position() < row.cells().size()) record.put(f.id(), f.value(row.cells().get(f.position())));
            }
            return record;
        }
        return null;
    }
}
