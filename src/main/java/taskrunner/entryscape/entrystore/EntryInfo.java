package taskrunner.entryscape.entrystore;

import taskrunner.entryscape.Rdf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An entry's information graph ("info") as EntryStore writes it, and as entrystore.js reads
 * it back. On the <em>entry</em> URI: {@code store:resource}, {@code store:metadata} (not for
 * references), {@code store:relation}, {@code rdf:type} of the entry type (only for links and
 * references: local is the default), and {@code dcterms:created/modified/creator/contributor}.
 * On the <em>resource</em> URI: {@code rdf:type} of the graph type (none for {@code None}) and of
 * the resource type (only {@code NamedResource}: an information resource is the default), and a
 * file's {@code dcterms:format}, {@code dcterms:extent} (xsd:long) and {@code rdfs:label}.
 * entrystore.js reads the entry type from the entry URI and the graph and resource types from
 * the resource URI; with them elsewhere a context cannot be committed and a named entry looks
 * like a file.
 *
 * @param graphType    EntryStore's name: None, Context, User, List, ...
 * @param entryType    Local, Link, Reference or LinkReference
 * @param resourceType InformationResource or NamedResource
 * @param creator      the creator's user resource URI, or null
 * @param contributors the user resource URIs of the others who changed it
 * @param format       a file's mimetype, or null when there is no file
 * @param extent       a file's size in bytes, or null when there is no file
 * @param label        a file's name, or null
 * @param externalMetadata where a reference's external metadata is ({@code store:externalMetadata}), or null
 * @param origin       what a pipeline made it from ({@code store:pipeline}, {@code store:pipelineData}), or null
 */
public record EntryInfo(String entryUri, String resourceUri, String graphType, String entryType, String resourceType,
                        long created, long modified, String creator, List<String> contributors,
                        String format, Long extent, String label, String externalMetadata, Entry.Origin origin) {
    public static final String NONE = "None", LOCAL = "Local", REFERENCE = "Reference",
            INFORMATION_RESOURCE = "InformationResource", NAMED_RESOURCE = "NamedResource";

    public EntryInfo {
        contributors = List.copyOf(contributors);
    }

    /** The graph type of a stored entry ({@code none}, {@code pipelineresult}, ...) in EntryStore's spelling. */
    public static String graphTypeName(String stored) {
        return switch (stored) {
            case "resultlist" -> "ResultList";
            case "systemcontext" -> "SystemContext";
            case "pipelineresult" -> "PipelineResult";
            default -> Character.toUpperCase(stored.charAt(0)) + stored.substring(1);
        };
    }

    /** The entry type of a stored entry ({@code local}, {@code linkreference}, ...) in EntryStore's spelling. */
    public static String entryTypeName(String stored) {
        return stored.equals("linkreference") ? "LinkReference" : Character.toUpperCase(stored.charAt(0)) + stored.substring(1);
    }

    /** The {@code rdf:type}s EntryStore puts on the resource URI (search's {@code rdfType} sees these too). */
    public List<String> resourceTypes() {
        var out = new ArrayList<String>();
        if (!graphType.equals(NONE)) out.add(Rdf.ES + graphType);
        if (resourceType.equals(NAMED_RESOURCE)) out.add(Rdf.ES + NAMED_RESOURCE);
        return out;
    }

    public String metadataUri() {
        return sibling("metadata");
    }

    public String relationUri() {
        return sibling("relations");
    }

    /** {@code <ctx>/<kind>/<id>} for the entry URI {@code <ctx>/entry/<id>} (the last "/entry/": a base path may hold one too). */
    private String sibling(String kind) {
        int at = entryUri.lastIndexOf("/entry/");
        return entryUri.substring(0, at) + "/" + kind + "/" + entryUri.substring(at + "/entry/".length());
    }

    /** The graph as RDF/JSON. */
    public Map<String, Object> graph() {
        var self = new LinkedHashMap<String, Object>();
        self.put(Rdf.ES + "resource", List.of(Rdf.uri(resourceUri)));
        if (!entryType.equals(REFERENCE)) self.put(Rdf.ES + "metadata", List.of(Rdf.uri(metadataUri())));
        self.put(Rdf.ES + "relation", List.of(Rdf.uri(relationUri())));
        if (!entryType.equals(LOCAL)) self.put(Rdf.RDF_TYPE, List.of(Rdf.uri(Rdf.ES + entryType)));
        self.put(Rdf.DCT + "created", List.of(Rdf.typed(Instant.ofEpochMilli(created).toString(), Rdf.XSD_DATETIME)));
        self.put(Rdf.MODIFIED, List.of(Rdf.typed(Instant.ofEpochMilli(modified).toString(), Rdf.XSD_DATETIME)));
        if (creator != null) self.put(Rdf.DCT + "creator", List.of(Rdf.uri(creator)));
        if (!contributors.isEmpty()) self.put(Rdf.DCT + "contributor", contributors.stream().map(Rdf::uri).toList());
        if (externalMetadata != null) self.put(Rdf.ES + "externalMetadata", List.of(Rdf.uri(externalMetadata)));
        if (origin != null) { // reference §2.4
            self.put(Rdf.ES + "pipeline", List.of(Rdf.uri(origin.pipeline())));
            self.put(Rdf.ES + "pipelineData", origin.data().stream().map(Rdf::uri).toList());
        }

        var res = new LinkedHashMap<String, Object>();
        List<String> types = resourceTypes();
        if (!types.isEmpty()) res.put(Rdf.RDF_TYPE, types.stream().map(Rdf::uri).toList());
        if (format != null) res.put(Rdf.FORMAT, List.of(Rdf.literal(format)));
        if (extent != null) res.put(Rdf.DCT + "extent", List.of(Rdf.typed(Long.toString(extent), Rdf.XSD_LONG)));
        if (label != null) res.put(Rdf.RDFS_LABEL, List.of(Rdf.literal(label)));

        var g = new LinkedHashMap<String, Object>();
        g.put(entryUri, self);
        if (!res.isEmpty()) g.put(resourceUri, res);
        return g;
    }
}
