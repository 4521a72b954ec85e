package taskrunner.metrics;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * A family of one series without labels whose value is read from its source at each scrape
 * (a runner's queue, a counter a component keeps): the source owns the number, this only
 * names it.
 */
final class Sampled extends Family {
    private final LongSupplier value;

    Sampled(String name, String help, String type, LongSupplier value) {
        super(name, help, type, List.of());
        this.value = value;
    }

    @Override
    void samples(TextFormat out) {
        out.sample(name, labelNames, List.of(), null, null, value.getAsLong());
    }
}
