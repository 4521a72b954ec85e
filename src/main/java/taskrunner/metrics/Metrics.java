package taskrunner.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The metric families of one server, in the order they were registered, and their
 * rendering for {@code GET /metrics} in the Prometheus text format ({@link TextFormat}).
 * The server's own families are {@link ServerMetrics}'; a face adds its own with
 * {@link #counter} and {@link #gauge}, read from counters it keeps.
 *
 * <p>Invariant: names are unique and valid ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names
 * {@code [a-zA-Z_][a-zA-Z0-9_]*} not starting with {@code __}, no {@code le} but a
 * histogram's own), checked here at registration, so a scrape cannot write an invalid
 * line. Threading: register before the server serves; {@link #text} from any thread.
 */
public final class Metrics {
    /** The Content-Type of {@link #text()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Family> families = new CopyOnWriteArrayList<>();

    /** A counter read from {@code value} at each scrape (it must never go down); its name should end in {@code _total}. */
    public void counter(String name, String help, LongSupplier value) {
        add(new Sampled(name, help, "counter", value));
    }

    /** A gauge read from {@code value} at each scrape. */
    public void gauge(String name, String help, LongSupplier value) {
        add(new Sampled(name, help, "gauge", value));
    }

    Counts counts(String name, String help, String type, String... labelNames) {
        return add(new Counts(name, help, type, List.of(labelNames)));
    }

    Histogram histogram(String name, String help, double[] bounds, String... labelNames) {
        return add(new Histogram(name, help, bounds, List.of(labelNames)));
    }

    private synchronized <F extends Family> F add(F f) {
        if (!NAME.matcher(f.name).matches()) throw new IllegalArgumentException("not a metric name: " + f.name);
        for (String l : f.labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                throw new IllegalArgumentException(f.name + ": not a label name: " + l);
            }
        }
        for (Family g : families) {
            if (g.name.equals(f.name)) throw new IllegalArgumentException("metric " + f.name + " is registered twice");
        }
        families.add(f);
        return f;
    }

    /** Every family as the text format writes it. */
    public String text() {
        var out = new TextFormat();
        for (Family f : families) f.writeTo(out);
        return out.text();
    }
}
