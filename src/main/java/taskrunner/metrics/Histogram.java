package taskrunner.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A family of histograms, one per set of label values, over fixed bucket bounds. An
 * observation adds to one bucket's {@link LongAdder} and to the sum, with no lock. A
 * scrape writes the buckets cumulatively ({@code le} each bound, then {@code +Inf}) and a
 * {@code _count} equal to the {@code +Inf} bucket, as the format requires; the
 * {@code _sum} may miss an observation that is being added just then.
 */
final class Histogram extends Family {
    private final double[] bounds;
    private final String[] les;
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

    private final class Series {
        final LongAdder[] buckets = new LongAdder[bounds.length + 1]; // the last one: above every bound
        final DoubleAdder sum = new DoubleAdder();

        Series() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }
    }

    /** @param bounds the buckets' upper bounds, increasing ({@code +Inf} is added) */
    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        super(name, help, "histogram", labelNames);
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) throw new IllegalArgumentException(name + ": bucket bounds must increase");
        }
        this.bounds = bounds.clone();
        this.les = Arrays.stream(bounds).mapToObj(TextFormat::number).toArray(String[]::new);
    }

    void observe(double value, String... labelValues) {
        List<String> key = key(labelValues);
        Series s = series.get(key);
        if (s == null) s = series.computeIfAbsent(key, k -> new Series());
        int i = Arrays.binarySearch(bounds, value);
        s.buckets[i >= 0 ? i : -i - 1].increment(); // a value equal to a bound is in that bound's bucket
        s.sum.add(value);
    }

    @Override
    void samples(TextFormat out) {
        for (var e : sorted(series)) {
            Series s = e.getValue();
            long cumulative = 0;
            for (int i = 0; i < s.buckets.length; i++) {
                cumulative += s.buckets[i].sum();
                out.sample(name + "_bucket", labelNames, e.getKey(), "le", i < les.length ? les[i] : "+Inf", cumulative);
            }
            out.sample(name + "_sum", labelNames, e.getKey(), null, null, s.sum.sum());
            out.sample(name + "_count", labelNames, e.getKey(), null, null, cumulative);
        }
    }
}
