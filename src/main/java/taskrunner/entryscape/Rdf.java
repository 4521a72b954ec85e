package taskrunner.entryscape;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RDF/JSON graphs ({@code {subject: {predicate: [{"type","value",...}]}}}) as plain maps,
 * and the vocabulary EntryScape uses for distributions, files and API distributions.
 *
 * <p>Invariant: graphs are never changed in place; every change returns a deep copy, so
 * a graph held by a stored record stays as it was journaled.
 */
public final class Rdf {
    public static final String RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    public static final String RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
    public static final String DCAT = "http://www.w3.org/ns/dcat#";
    public static final String DCT = "http://purl.org/dc/terms/";
    public static final String ES = "http://entrystore.org/terms/";
    public static final String ESTERMS = "http://entryscape.com/terms/";
    public static final String XSD_DATE = "http://www.w3.org/2001/XMLSchema#date";
    public static final String XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime";
    public static final String XSD_LONG = "http://www.w3.org/2001/XMLSchema#long";

    public static final String DISTRIBUTION = DCAT + "Distribution";
    public static final String DOWNLOAD_URL = DCAT + "downloadURL";
    public static final String ACCESS_URL = DCAT + "accessURL";
    public static final String SOURCE = DCT + "source";
    public static final String FORMAT = DCT + "format";
    public static final String MODIFIED = DCT + "modified";
    public static final String TITLE = DCT + "title";
    public static final String FILE = ESTERMS + "File";

    private Rdf() {}

    /** A value that is not RDF/JSON; the message says what is wrong. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** The graph as a deep copy of checked RDF/JSON. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> check(Object json) throws Malformed {
        if (json == null) return new LinkedHashMap<>();
        if (!(json instanceof Map<?, ?> m)) throw new Malformed("RDF/JSON must be an object");
        var out = new LinkedHashMap<String, Object>();
        for (var s : m.entrySet()) {
            if (!(s.getValue() instanceof Map<?, ?> preds)) {
                throw new Malformed("subject " + s.getKey() + " must map to an object");
            }
            var po = new LinkedHashMap<String, Object>();
            for (var p : preds.entrySet()) {
                if (!(p.getValue() instanceof List<?> objs)) {
                    throw new Malformed("predicate " + p.getKey() + " must map to an array");
                }
                var list = new ArrayList<Object>();
                for (Object o : objs) {
                    if (!(o instanceof Map<?, ?> obj) || !(obj.get("value") instanceof String)
                            || !(obj.get("type") instanceof String t) || !(t.equals("uri") || t.equals("literal") || t.equals("bnode"))) {
                        throw new Malformed("objects need a string \"value\" and a \"type\" of uri, literal or bnode");
                    }
                    var copy = new LinkedHashMap<String, Object>();
                    for (var f : ((Map<String, Object>) obj).entrySet()) {
                        if (f.getValue() instanceof String v) copy.put(f.getKey(), v);
                    }
                    list.add(copy);
                }
                po.put((String) p.getKey(), list);
            }
            out.put((String) s.getKey(), po);
        }
        return out;
    }

    /** The values of (subject, predicate), in stored order. */
    @SuppressWarnings("unchecked")
    public static List<String> values(Map<String, Object> graph, String subject, String predicate) {
        var out = new ArrayList<String>();
        if (graph == null) return out;
        if (graph.get(subject) instanceof Map<?, ?> po && po.get(predicate) instanceof List<?> objs) {
            for (Object o : objs) if (o instanceof Map<?, ?> obj && obj.get("value") instanceof String v) out.add(v);
        }
        return out;
    }

    /** Every subject that has (predicate, value). */
    public static List<String> subjectsWith(Map<String, Object> graph, String predicate, String value) {
        var out = new ArrayList<String>();
        if (graph == null) return out;
        for (String s : graph.keySet()) if (values(graph, s, predicate).contains(value)) out.add(s);
        return out;
    }

    public static Map<String, Object> uri(String v) {
        return obj("uri", v, null);
    }

    public static Map<String, Object> literal(String v) {
        return obj("literal", v, null);
    }

    public static Map<String, Object> typed(String v, String datatype) {
        return obj("literal", v, datatype);
    }

    /** Today's date as EntryScape writes dcterms:modified (an xsd:date). */
    public static Map<String, Object> today(long nowMs) {
        return typed(LocalDate.ofInstant(java.time.Instant.ofEpochMilli(nowMs), ZoneOffset.UTC).toString(), XSD_DATE);
    }

    private static Map<String, Object> obj(String type, String value, String datatype) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", type);
        m.put("value", value);
        if (datatype != null) m.put("datatype", datatype);
        return m;
    }

    /** A copy with (subject, predicate, object) added unless an object of that value is there. */
    public static Map<String, Object> add(Map<String, Object> graph, String subject, String predicate, Map<String, Object> object) {
        if (values(graph, subject, predicate).contains((String) object.get("value"))) return graph;
        var g = copy(graph);
        objects(g, subject, predicate).add(object);
        return g;
    }

    /** A copy where (subject, predicate) has exactly this one object. */
    public static Map<String, Object> set(Map<String, Object> graph, String subject, String predicate, Map<String, Object> object) {
        var g = copy(graph);
        var list = objects(g, subject, predicate);
        list.clear();
        list.add(object);
        return g;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> objects(Map<String, Object> g, String subject, String predicate) {
        var po = (Map<String, Object>) g.computeIfAbsent(subject, k -> new LinkedHashMap<String, Object>());
        return (List<Object>) po.computeIfAbsent(predicate, k -> new ArrayList<Object>());
    }

    /** A deep copy (graphs hold only maps, lists and strings). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copy(Map<String, Object> graph) {
        return (Map<String, Object>) deep(graph == null ? Map.of() : graph);
    }

    @SuppressWarnings("unchecked")
    private static Object deep(Object o) {
        if (o instanceof Map<?, ?> m) {
            var out = new LinkedHashMap<String, Object>();
            for (var e : m.entrySet()) out.put((String) e.getKey(), deep(e.getValue()));
            return out;
        }
        if (o instanceof List<?> l) {
            var out = new ArrayList<Object>();
            for (Object x : l) out.add(deep(x));
            return out;
        }
        return o;
    }
}
