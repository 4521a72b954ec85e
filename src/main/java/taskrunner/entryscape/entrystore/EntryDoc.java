package taskrunner.entryscape.entrystore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader sees of one entry, whatever holds it (an entry of a context, a context's
 * entry in {@code _contexts}, a user's in {@code _principals}), and its JSON as EntryStore
 * writes it: an entry read, the same with {@code includeAll}, and a search result's child,
 * which is an includeAll read with the {@code contextId} and without the {@code resource}.
 *
 * @param contextUri the resource URI of the context that holds it
 * @param metadata   its local metadata graph (RDF/JSON), empty when it has none
 * @param subject    the subject under which {@code metadata} describes the resource
 * @param resource   the includeAll {@code resource} of a local entry; null for links and references
 * @param rights     the reader's rights, in EntryStore's words
 * @param name       a user's name (search children carry it), else null
 */
public record EntryDoc(String contextId, String entryId, String contextUri, EntryInfo info, Map<String, Object> metadata,
                       String subject, Object resource, List<String> rights, String name) {
    /** Everything a reader who may change an entry may do to it. */
    public static final List<String> ALL_RIGHTS = List.of("administer", "writemetadata", "writeresource", "readmetadata", "readresource");
    public static final List<String> READ_RIGHTS = List.of("readmetadata", "readresource");

    public String resourceUri() {
        return info.resourceUri();
    }

    /** {@code GET .../entry/<id>}: the info graph; with includeAll also metadata, relations, rights and resource. */
    public Map<String, Object> json(Map<String, Object> relations, boolean includeAll) {
        var m = new LinkedHashMap<String, Object>();
        m.put("entryId", entryId);
        m.put("info", info.graph());
        if (!includeAll) return m;
        if (!info.entryType().equals(EntryInfo.REFERENCE)) m.put("metadata", metadata);
        m.put("relations", relations);
        m.put("rights", rights);
        if (resource != null) m.put("resource", resource);
        return m;
    }

    /** One of {@code resource.children} of a search answer. */
    public Map<String, Object> searchChild(Map<String, Object> relations) {
        var m = json(relations, true);
        m.remove("resource");
        m.put("contextId", contextId);
        if (name != null) m.put("name", name);
        return m;
    }
}
