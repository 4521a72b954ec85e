package taskrunner.entryscape.entrystore;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An EntryStore context (a catalog), owned by the account of the admin who created it;
 * writing to it needs access to that account.
 */
public record Context(String id, String owner, String creator, long created) {
    public static final Kind<Context> KIND = new Kind<>("es_context", new Kind.Codec<>() {
        public Map<String, Object> encode(Context c) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", c.id);
            m.put("owner", c.owner);
            m.put("creator", c.creator);
            m.put("created", c.created);
            return m;
        }

        public Context decode(Map<String, Object> m) {
            return new Context((String) m.get("id"), (String) m.get("owner"), (String) m.get("creator"),
                    ((Number) m.get("created")).longValue());
        }
    });
}
