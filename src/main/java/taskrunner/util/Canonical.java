package taskrunner.util;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared {@code String} per distinct value of a field that many records repeat (account
 * ids, face and type names, file names), so that a million tasks read back from the journal
 * do not hold a million equal copies: at 1,000,000 tasks that is about 300 MB of the heap.
 * Bounded: once it knows {@code max} values it hands back new ones unshared. Thread-safe.
 */
public final class Canonical {
    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
    private final int max;

    public Canonical(int max) {
        this.max = max;
    }

    /** The shared instance equal to {@code s} (null for null). */
    public String of(String s) {
        if (s == null) return null;
        String shared = values.get(s);
        if (shared != null) return shared;
        if (values.size() >= max) return s;
        shared = values.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }
}
