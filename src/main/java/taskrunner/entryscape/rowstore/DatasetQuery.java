package taskrunner.entryscape.rowstore;

import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One query over a dataset version: streams its blob front to back, ANDs exact-match
 * column filters, counts every match and keeps only the requested page.
 *
 * <p>The blob is a version {@link DatasetBuilder} wrote, each row within the limits when it was
 * loaded, so it is read without limits (lowering them later must not make datasets unreadable).
 *
 * <p>Invariant: memory holds one row plus at most {@code limit} result rows, whatever the
 * size of the dataset.
 */
public final class DatasetQuery {
    public record Page(List<Map<String, String>> rows, long resultCount) {}

    private DatasetQuery() {}

    /** @param filters column (lower-case) to the exact value it must have */
    public static Page run(InputStream blob, Map<String, String> filters, long offset, int limit) throws IOException {
        var rows = new ArrayList<Map<String, String>>();
        long count = 0;
        try (var in = new CsvRowReader(blob, CsvLimits.NONE)) {
            List<String> header = in.header();
            int[] idx = new int[filters.size()];
            String[] want = new String[filters.size()];
            int k = 0;
            for (var f : filters.entrySet()) {
                idx[k] = header.indexOf(f.getKey());
                want[k++] = f.getValue();
            }
            for (CsvRow r; (r = in.next()) != null; ) {
                if (!matches(r.cells(), idx, want)) continue;
                if (count++ < offset || rows.size() >= limit) continue;
                var row = new LinkedHashMap<String, String>();
                for (int i = 0; i < header.size(); i++) row.put(header.get(i), cell(r.cells(), i));
                rows.add(row);
            }
        }
        return new Page(rows, count);
    }

    private static boolean matches(List<String> cells, int[] idx, String[] want) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || !want[i].equals(cell(cells, idx[i]))) return false;
        }
        return true;
    }

    private static String cell(List<String> cells, int i) {
        String v = i < cells.size() ? cells.get(i) : null;
        return v == null ? "" : v;
    }
}
