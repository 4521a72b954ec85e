package taskrunner.entryscape.jobs;

import taskrunner.core.FaceState;
import taskrunner.entryscape.rowstore.Built;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EntryScape face's part of an addFile or replaceFile job's task (its file name is the
 * task's). Its blobs are not its own to delete with the task: at commit the upload becomes
 * the file entry's and the built version the dataset's, and a failed job drops them itself
 * ({@link FileJob}).
 *
 * @param target  what the job writes
 * @param upload  the uploaded bytes, a committed blob
 * @param user    the user who asked (the new file entry's creator), or null
 * @param commit  set once the build is done and journaled: the job is in its commit phase
 * @param results the job's {@code results} once it succeeded, else null
 */
public record FileJobState(Target target, Uploaded upload, String user, Commit commit, Map<String, Object> results)
        implements FaceState {

    /**
     * @param resourceUri  the {@code resourceURI} the request named (the distribution, or the file replaced)
     * @param prototypeUri the URI the new file entry gets (addFile), or null
     * @param dist         the distribution's entry key, or null (a replaced file in none)
     * @param file         the file entry's key (new or replaced)
     * @param fileUri      the file entry's resource URI
     */
    public record Target(String resourceUri, String prototypeUri, String dist, String file, String fileUri) {}

    /** The upload's blob and what the file entry records of it. */
    public record Uploaded(String blob, String mime, long size, String sha256) {}

    /**
     * What a commit applies, journaled before it starts so a restart rolls it forward.
     *
     * @param oldFileBlob the replaced file's blob, deleted once the file entry points at the upload; or null
     * @param built       the new dataset version; null (and so are the next two) without an API
     * @param base        the dataset's blob the build started from (the commit conflicts if it moved on)
     * @param dataset     the dataset's id
     */
    public record Commit(String oldFileBlob, Built built, String base, String dataset) {}

    public static FileJobState submitted(Target target, Uploaded upload, String user) {
        return new FileJobState(target, upload, user, null, null);
    }

    /** The upload and, in the commit phase, the built version, its base and the replaced file's blob. */
    @Override
    public List<String> referencedBlobs() {
        var ids = new java.util.ArrayList<String>();
        ids.add(upload.blob());
        if (commit != null) {
            if (commit.built() != null) ids.add(commit.built().blob());
            if (commit.base() != null) ids.add(commit.base());
            if (commit.oldFileBlob() != null) ids.add(commit.oldFileBlob());
        }
        return ids;
    }

    public FileJobState withCommit(Commit c) {
        return new FileJobState(target, upload, user, c, results);
    }

    public FileJobState withResults(Map<String, Object> r) {
        return new FileJobState(target, upload, user, commit, r);
    }

    /** The journal keys as the earlier {@code Task.extras} named them, so older data directories load. */
    public static final FaceState.Codec<FileJobState> CODEC = new FaceState.Codec<>() {
        public Class<FileJobState> type() {
            return FileJobState.class;
        }

        public Map<String, Object> encode(FileJobState s) {
            var m = new LinkedHashMap<String, Object>();
            Target t = s.target;
            m.put("resourceURI", t.resourceUri());
            if (t.prototypeUri() != null) m.put("prototypeURI", t.prototypeUri());
            if (t.dist() != null) m.put("dist", t.dist());
            m.put("file", t.file());
            m.put("fileURI", t.fileUri());
            m.put("upload", s.upload.blob());
            if (s.upload.mime() != null) m.put("mime", s.upload.mime());
            m.put("size", s.upload.size());
            m.put("sha256", s.upload.sha256());
            if (s.user != null) m.put("user", s.user);
            if (s.commit != null) {
                m.put("phase", "commit");
                Built b = s.commit.built();
                if (b != null) {
                    m.put("built", b.blob());
                    m.put("builtColumns", b.columns());
                    m.put("builtRows", b.rowCount());
                    m.put("builtAdded", b.rowsAdded());
                }
                if (s.commit.base() != null) m.put("base", s.commit.base());
                if (s.commit.dataset() != null) m.put("dataset", s.commit.dataset());
                if (s.commit.oldFileBlob() != null) m.put("oldFileBlob", s.commit.oldFileBlob());
            }
            if (s.results != null) m.put("results", s.results);
            return m;
        }

        @SuppressWarnings("unchecked")
        public FileJobState decode(Map<String, Object> m) {
            var target = new Target((String) m.get("resourceURI"), (String) m.get("prototypeURI"),
                    (String) m.get("dist"), (String) m.get("file"), (String) m.get("fileURI"));
            var upload = new Uploaded((String) m.get("upload"), (String) m.get("mime"),
                    ((Number) m.get("size")).longValue(), (String) m.get("sha256"));
            Commit commit = null;
            if ("commit".equals(m.get("phase"))) {
                Built built = m.get("built") instanceof String blob
                        ? new Built(blob, List.copyOf((List<String>) m.get("builtColumns")),
                                ((Number) m.get("builtRows")).longValue(), ((Number) m.get("builtAdded")).longValue())
                        : null;
                commit = new Commit((String) m.get("oldFileBlob"), built, (String) m.get("base"),
                        (String) m.get("dataset"));
            }
            return new FileJobState(target, upload, (String) m.get("user"), commit,
                    (Map<String, Object>) m.get("results"));
        }
    };
}
