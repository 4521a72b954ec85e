package taskrunner.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One metric family: a name, its help, its type, and its samples as they are at the moment
 * of a scrape. Threading: {@link #writeTo} runs on a scraping request's thread while the
 * server's threads update the family; each implementation says what a scrape may see.
 */
abstract sealed class Family permits Counts, Histogram, Sampled {
    final String name;
    final String help;
    final String type;
    final List<String> labelNames;

    Family(String name, String help, String type, List<String> labelNames) {
        this.name = name;
        this.help = help;
        this.type = type;
        this.labelNames = List.copyOf(labelNames);
    }

    /** Writes the family's HELP and TYPE lines and its samples. */
    final void writeTo(TextFormat out) {
        out.family(name, help, type);
        samples(out);
    }

    abstract void samples(TextFormat out);

    /** The label values of one sample, checked against the family's label names. */
    final List<String> key(String[] values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + ", not " + values.length + " values");
        }
        return List.of(values);
    }

    /** The series of a family in a stable order (by label values), so that two scrapes read alike. */
    static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> series) {
        var list = new ArrayList<>(series.entrySet());
        list.sort((a, b) -> {
            for (int i = 0; i < a.getKey().size(); i++) {
                int c = a.getKey().get(i).compareTo(b.getKey().get(i));
                if (c != 0) return c;
            }
            return 0;
        });
        return list;
    }
}
