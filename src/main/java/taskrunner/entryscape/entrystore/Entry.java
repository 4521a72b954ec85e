package taskrunner.entryscape.entrystore;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of an EntryStore entry: its kind, its local metadata graph (RDF/JSON) and,
 * for a local file, the blob that holds the bytes. Stored under {@code <ctx>/<id>}.
 *
 * @param entryType    local, link, reference or linkreference
 * @param graphType    none, context, list, ... (EntryStore's graph types, lower case)
 * @param infoResource true for an information resource (a file); false for a named resource
 * @param resource     the external resource URI of links and references; null for local entries
 * @param blob         the file's bytes, or null; never changed in place (a new upload is a new blob)
 * @param creator      the core user id of who created it, or null (an api_key token, a job with no user)
 * @param job          the Taskrunner job that created or last replaced it, if one did
 * @param graph        the resource of a graph or pipeline entry: an RDF/JSON graph, replaced as a whole; else null
 * @param externalMetadata where a reference's external metadata is (a pipeline result's: its dataset's
 *                     {@code /info}); else null
 * @param origin       for an entry a pipeline made, which pipeline and which source entries; else null
 * @param contributors the core user ids of others who changed it since, in order; records
 *                     journaled before this field existed load with none
 */
public record Entry(String context, String id, String entryType, String graphType, boolean infoResource,
                    String resource, Map<String, Object> metadata, String blob, String mimetype, String filename,
                    long size, String sha256, long created, long modified, String creator, String job,
                    Map<String, Object> graph, String externalMetadata, Origin origin, List<String> contributors) {
    /**
     * What a pipeline result came from (EntryStore's {@code es:pipeline}, {@code es:pipelineData}):
     * the pipeline's entry URI and the entry URIs of the sources whose rows it holds, in load order.
     */
    public record Origin(String pipeline, List<String> data) {
        public Origin {
            data = List.copyOf(data);
        }
    }

    public Entry {
        contributors = List.copyOf(contributors);
    }

    /** An entry no pipeline made, with no graph resource, no external metadata and no contributor yet. */
    public Entry(String context, String id, String entryType, String graphType, boolean infoResource,
                 String resource, Map<String, Object> metadata, String blob, String mimetype, String filename,
                 long size, String sha256, long created, long modified, String creator, String job) {
        this(context, id, entryType, graphType, infoResource, resource, metadata, blob, mimetype, filename, size, sha256,
                created, modified, creator, job, null, null, null, List.of());
    }

    public static final Kind<Entry> KIND = new Kind<>("es_entry", new Kind.Codec<>() {
        public Map<String, Object> encode(Entry e) {
            var m = new LinkedHashMap<String, Object>();
            m.put("ctx", e.context);
            m.put("id", e.id);
            m.put("et", e.entryType);
            m.put("gt", e.graphType);
            m.put("ir", e.infoResource);
            if (e.resource != null) m.put("res", e.resource);
            m.put("md", e.metadata);
            if (e.blob != null) {
                m.put("blob", e.blob);
                m.put("mime", e.mimetype);
                if (e.filename != null) m.put("name", e.filename);
                m.put("size", e.size);
                m.put("sha256", e.sha256);
            }
            m.put("created", e.created);
            m.put("modified", e.modified);
            if (e.creator != null) m.put("creator", e.creator);
            if (e.job != null) m.put("job", e.job);
            if (e.graph != null) m.put("graph", e.graph);
            if (e.externalMetadata != null) m.put("extmd", e.externalMetadata);
            if (e.origin != null) m.put("origin", Map.of("pipeline", e.origin.pipeline(), "data", e.origin.data()));
            if (!e.contributors.isEmpty()) m.put("contrib", e.contributors);
            return m;
        }

        @SuppressWarnings("unchecked")
        public Entry decode(Map<String, Object> m) {
            var o = (Map<String, Object>) m.get("origin");
            return new Entry((String) m.get("ctx"), (String) m.get("id"), (String) m.get("et"), (String) m.get("gt"),
                    Boolean.TRUE.equals(m.get("ir")), (String) m.get("res"), (Map<String, Object>) m.get("md"),
                    (String) m.get("blob"), (String) m.get("mime"), (String) m.get("name"),
                    m.get("size") == null ? 0 : ((Number) m.get("size")).longValue(), (String) m.get("sha256"),
                    ((Number) m.get("created")).longValue(), ((Number) m.get("modified")).longValue(),
                    (String) m.get("creator"), (String) m.get("job"), (Map<String, Object>) m.get("graph"),
                    (String) m.get("extmd"), o == null ? null : new Origin((String) o.get("pipeline"), (List<String>) o.get("data")),
                    m.get("contrib") == null ? List.of() : (List<String>) m.get("contrib"));
        }

        public List<String> blobs(Entry e) {
            return e.blob == null ? List.of() : List.of(e.blob);
        }
    });

    public String key() {
        return key(context, id);
    }

    public static String key(String ctx, String id) {
        return ctx + "/" + id;
    }

    public boolean isLocal() {
        return "local".equals(entryType);
    }

    public Entry withMetadata(Map<String, Object> md, long now) {
        return new Entry(context, id, entryType, graphType, infoResource, resource, md, blob, mimetype, filename,
                size, sha256, created, now, creator, job, graph, externalMetadata, origin, contributors);
    }

    public Entry withFile(String blob, String mimetype, String filename, long size, String sha256, long now, String job) {
        return new Entry(context, id, entryType, graphType, infoResource, resource, metadata, blob, mimetype, filename,
                size, sha256, created, now, creator, job, graph, externalMetadata, origin, contributors);
    }

    public Entry withGraph(Map<String, Object> g, long now) {
        return new Entry(context, id, entryType, graphType, infoResource, resource, metadata, blob, mimetype, filename,
                size, sha256, created, now, creator, job, g, externalMetadata, origin, contributors);
    }

    public Entry withOrigin(Origin o, long now) {
        return new Entry(context, id, entryType, graphType, infoResource, resource, metadata, blob, mimetype, filename,
                size, sha256, created, now, creator, job, graph, externalMetadata, o, contributors);
    }

    /** This version with {@code userId} listed as a contributor, unless it is the creator or listed already (as EntryStore does). */
    public Entry changedBy(String userId) {
        if (userId == null || userId.equals(creator) || contributors.contains(userId)) return this;
        var more = new java.util.ArrayList<>(contributors);
        more.add(userId);
        return new Entry(context, id, entryType, graphType, infoResource, resource, metadata, blob, mimetype, filename,
                size, sha256, created, modified, creator, job, graph, externalMetadata, origin, more);
    }
}
