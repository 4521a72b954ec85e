package taskrunner.http.multipart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The header fields of one part.
 *
 * <p>Invariant: immutable; lookups ignore the case of the field name; values are trimmed and keep
 * their order of appearance.
 */
public final class PartHeaders {
    private final Map<String, List<String>> fields;

    PartHeaders(List<Map.Entry<String, String>> entries) {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> e : entries) {
            m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        this.fields = Collections.unmodifiableMap(m);
    }

    /** First value of the field, if present. */
    public Optional<String> first(String name) {
        List<String> values = fields.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /** All values of the field in order; empty if absent. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** Field names, as first spelled in the part. */
    public Set<String> names() {
        return fields.keySet();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
