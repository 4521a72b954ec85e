package taskrunner.entryscape.pipeline;

import taskrunner.entryscape.Rdf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pipeline as EntryStore reads it from the RDF graph of a pipeline entry (reference §2.4):
 * every object of {@code es:transform} that has an {@code es:transformType} is a transform,
 * with an {@code es:transformPriority} (0 if none) and {@code es:transformArgument} nodes of
 * {@code es:transformArgumentKey} and {@code es:transformArgumentValue}.
 *
 * <p>Invariants: transforms are in priority order, lowest first (equal priorities keep the
 * graph's order); argument keys are lower-cased, as EntryStore's {@code Transform} reads them
 * ({@code datasetURL} is {@code dataseturl}), values are as written; an argument without a key
 * or a value is left out.
 */
public record Pipeline(List<Transform> transforms) {
    private static final String TRANSFORM = Rdf.ES + "transform";
    private static final String TYPE = Rdf.ES + "transformType";
    private static final String PRIORITY = Rdf.ES + "transformPriority";
    private static final String ARGUMENT = Rdf.ES + "transformArgument";
    private static final String KEY = Rdf.ES + "transformArgumentKey";
    private static final String VALUE = Rdf.ES + "transformArgumentValue";

    /** One step: its type ({@code rowstore}, ...), its priority and its arguments. */
    public record Transform(String type, double priority, Map<String, String> arguments) {
        public Transform {
            arguments = Map.copyOf(arguments);
        }
    }

    public Pipeline {
        transforms = List.copyOf(transforms);
    }

    /** The pipeline a graph describes; a graph without transforms gives one with none. */
    public static Pipeline of(Map<String, Object> graph) {
        var out = new ArrayList<Transform>();
        if (graph == null) return new Pipeline(out);
        for (String subject : graph.keySet()) {
            for (String t : Rdf.values(graph, subject, TRANSFORM)) {
                List<String> types = Rdf.values(graph, t, TYPE);
                if (types.isEmpty()) continue;
                var args = new LinkedHashMap<String, String>();
                for (String a : Rdf.values(graph, t, ARGUMENT)) {
                    List<String> k = Rdf.values(graph, a, KEY), v = Rdf.values(graph, a, VALUE);
                    if (!k.isEmpty() && !v.isEmpty()) args.put(k.get(0).toLowerCase(Locale.ROOT), v.get(0));
                }
                out.add(new Transform(types.get(0), priority(Rdf.values(graph, t, PRIORITY)), args));
            }
        }
        out.sort(Comparator.comparingDouble(Transform::priority));
        return new Pipeline(out);
    }

    /** The transforms of one type, in order. */
    public List<Transform> ofType(String type) {
        return transforms.stream().filter(t -> t.type().equals(type)).toList();
    }

    private static double priority(List<String> values) {
        if (values.isEmpty()) return 0;
        try {
            return Double.parseDouble(values.get(0).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
