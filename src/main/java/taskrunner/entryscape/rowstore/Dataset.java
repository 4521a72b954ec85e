package taskrunner.entryscape.rowstore;

import taskrunner.store.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of a RowStore dataset. Its rows are not here but in the blob {@code blob}
 * (normalized CSV: a header of the lower-cased column names, then the rows, every cell
 * quoted); switching to new data is one journal put of a record with another blob.
 *
 * @param status      RowStore's 0 created, 1 accepted, 2 processing, 3 available, 4 error
 * @param columns     lower-cased column names in file order
 * @param owner       account that created it (writes need access to it; reads are public)
 * @param lastJob     id of the last Taskrunner job whose data this version holds, so a job
 *                    rolled forward after a crash never applies its rows twice
 */
public record Dataset(String id, int status, long created, List<String> columns, long rowCount, String blob,
                      List<String> aliases, String owner, String lastJob) {
    public static final Kind<Dataset> KIND = new Kind<>("es_dataset", new Kind.Codec<>() {
        public Map<String, Object> encode(Dataset d) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", d.id);
            m.put("status", d.status);
            m.put("created", d.created);
            m.put("columns", d.columns);
            m.put("rows", d.rowCount);
            if (d.blob != null) m.put("blob", d.blob);
            m.put("aliases", d.aliases);
            if (d.owner != null) m.put("owner", d.owner);
            if (d.lastJob != null) m.put("job", d.lastJob);
            return m;
        }

        @SuppressWarnings("unchecked")
        public Dataset decode(Map<String, Object> m) {
            return new Dataset((String) m.get("id"), ((Number) m.get("status")).intValue(),
                    ((Number) m.get("created")).longValue(), new ArrayList<>((List<String>) m.get("columns")),
                    ((Number) m.get("rows")).longValue(), (String) m.get("blob"),
                    new ArrayList<>((List<String>) m.get("aliases")), (String) m.get("owner"), (String) m.get("job"));
        }

        public List<String> blobs(Dataset d) {
            return d.blob == null ? List.of() : List.of(d.blob);
        }
    });

    public static final int AVAILABLE = 3;

    public Dataset {
        columns = List.copyOf(columns);
        aliases = List.copyOf(aliases);
    }

    public Dataset withData(Built b, String job) {
        return new Dataset(id, AVAILABLE, created, b.columns(), b.rowCount(), b.blob(), aliases, owner, job);
    }

    public Dataset withAliases(List<String> a) {
        return new Dataset(id, status, created, columns, rowCount, blob, a, owner, lastJob);
    }
}
