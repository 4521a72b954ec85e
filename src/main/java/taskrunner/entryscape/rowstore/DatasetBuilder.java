package taskrunner.entryscape.rowstore;

import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;
import taskrunner.csv.CsvRowWriter;
import taskrunner.store.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Writes a new dataset version to a new blob: the rows of a base version (for an append),
 * then the rows of each source CSV, all in the base's (or first source's) column order.
 *
 * <p>Invariant: the base blob is only read, never changed; on any failure the new blob is
 * dropped, so a failed build leaves no trace. Memory holds one row at a time.
 */
public final class DatasetBuilder {
    /** One CSV to load. */
    public interface Source {
        String name();

        InputStream open() throws IOException;

        /** A source named {@code name} (for error messages) whose bytes {@code open} gives. */
        static Source of(String name, Opener open) {
            return new Source() {
                public String name() {
                    return name;
                }

                public InputStream open() throws IOException {
                    return open.open();
                }
            };
        }
    }

    /** Opens the bytes of a {@link Source}. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** Called after each new row is written: paces test builds and lets a stop or shutdown end them. */
    @FunctionalInterface
    public interface RowHook {
        void afterRow(long rowsAdded) throws Exception;
    }

    public static final RowHook NONE = n -> {};

    private final BlobStore blobs;
    private final CsvLimits limits;

    /** @param limits the size limits of each source CSV; a base version, written by this class, is read without */
    public DatasetBuilder(BlobStore blobs, CsvLimits limits) {
        this.blobs = blobs;
        this.limits = limits;
    }

    /**
     * @param base    the version whose rows come first, or null to start empty
     * @param sources the CSVs whose rows follow; their column set must equal the dataset's
     */
    public Built build(Dataset base, List<Source> sources, RowHook hook) throws Exception {
        BlobStore.Writer w = blobs.create();
        try (var out = new CsvRowWriter(BlobStore.unclosable(w))) {
            List<String> columns = base == null || base.blob() == null ? null : base.columns();
            long rows = 0, added = 0;
            if (columns != null) {
                out.write(columns);
                try (var in = new CsvRowReader(blobs.open(base.blob()), CsvLimits.NONE)) {
                    for (CsvRow r; (r = in.next()) != null; ) {
                        out.write(r.cells());
                        rows++;
                    }
                }
            }
            for (Source s : sources) {
                try (var in = new CsvInput(s.open(), s.name(), limits)) {
                    int[] order;
                    if (columns == null) {
                        columns = in.columns();
                        out.write(columns);
                        order = null;
                    } else {
                        order = mapping(columns, in.columns(), s.name());
                    }
                    for (List<String> cells; (cells = in.next()) != null; ) {
                        out.write(order == null ? cells : reorder(cells, order));
                        rows++;
                        hook.afterRow(++added);
                    }
                }
            }
            if (columns == null) throw new DatasetError("no CSV was given");
            out.flush();
            String blob = w.commit();
            return new Built(blob, columns, rows, added);
        } catch (Exception | Error e) {
            w.abort();
            throw e;
        }
    }

    /** For each dataset column, its index in the source; the sets must be equal. */
    private static int[] mapping(List<String> columns, List<String> source, String name) throws DatasetError {
        if (!new HashSet<>(columns).equals(new HashSet<>(source))) {
            throw new DatasetError("the columns of " + name + " " + source + " are not the dataset's columns " + columns);
        }
        int[] order = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) order[i] = source.indexOf(columns.get(i));
        return order;
    }

    private static List<String> reorder(List<String> cells, int[] order) {
        var out = new ArrayList<String>(order.length);
        for (int i : order) out.add(cells.get(i));
        return out;
    }
}
