package taskrunner.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A family of whole-number series, one per set of label values: a counter (only ever
 * added to) or a gauge (moved both ways). An add costs a lock-free map lookup and a
 * {@link LongAdder} increment, so it may sit on every request's path. A scrape reads each
 * series once; adds meanwhile show at the next scrape.
 */
final class Counts extends Family {
    private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

    Counts(String name, String help, String type, List<String> labelNames) {
        super(name, help, type, labelNames);
    }

    /** Adds {@code delta} to the series of these label values (made at 0 if new). */
    void add(long delta, String... labelValues) {
        List<String> key = key(labelValues);
        LongAdder a = series.get(key);
        if (a == null) a = series.computeIfAbsent(key, k -> new LongAdder());
        a.add(delta);
    }

    @Override
    void samples(TextFormat out) {
        for (var s : sorted(series)) out.sample(name, labelNames, s.getKey(), null, null, s.getValue().sum());
    }
}
