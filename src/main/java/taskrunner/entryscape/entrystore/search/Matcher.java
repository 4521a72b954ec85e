package taskrunner.entryscape.entrystore.search;

import taskrunner.entryscape.entrystore.EntryDoc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Whether an entry matches a {@link SearchQuery}: boolean logic over its terms, each term by
 * its field's {@link Field.Kind}. Stateless apart from how URIs are compared.
 */
public final class Matcher {
    private final UnaryOperator<String> canonical;

    /** @param canonical how URIs are spelled for comparing (this server's store URIs with its own host) */
    public Matcher(UnaryOperator<String> canonical) {
        this.canonical = canonical;
    }

    public boolean matches(SearchQuery q, EntryDoc d) {
        return switch (q) {
            case SearchQuery.All a -> true;
            case SearchQuery.And a -> a.all().stream().allMatch(c -> matches(c, d));
            case SearchQuery.Or o -> o.any().stream().anyMatch(c -> matches(c, d));
            case SearchQuery.Not n -> !matches(n.query(), d);
            case SearchQuery.Term t -> term(t, d);
        };
    }

    private boolean term(SearchQuery.Term t, EntryDoc d) {
        List<String> values = t.field().values().apply(d);
        if (t.form() == SearchQuery.Form.ANY) return !values.isEmpty();
        for (String v : values) if (v != null && value(t, v)) return true;
        return false;
    }

    private boolean value(SearchQuery.Term t, String v) {
        boolean prefix = t.form() == SearchQuery.Form.PREFIX;
        return switch (t.field().kind()) {
            case URI -> prefix ? canonical.apply(v).startsWith(canonical.apply(t.value())) : canonical.apply(v).equals(canonical.apply(t.value()));
            case STRING -> prefix ? v.startsWith(t.value()) : v.equals(t.value());
            // parts of three or more characters are indexed, so a part (or a part's start) matches
            case NGRAM -> lower(v).contains(lower(t.value()));
            case TEXT -> words(t, v);
        };
    }

    /** A word (or words in a row, for a phrase or a value with inner punctuation) of the value; a prefix of one. */
    private static boolean words(SearchQuery.Term t, String v) {
        List<String> have = words(v);
        List<String> want = words(t.value());
        if (want.isEmpty()) return false;
        boolean prefix = t.form() == SearchQuery.Form.PREFIX;
        for (int i = 0; i + want.size() <= have.size(); i++) {
            boolean all = true;
            for (int k = 0; k < want.size() && all; k++) {
                boolean last = k == want.size() - 1;
                String h = have.get(i + k), w = want.get(k);
                all = prefix && last ? h.startsWith(w) : h.equals(w);
            }
            if (all) return true;
        }
        return false;
    }

    private static List<String> words(String s) {
        var out = new ArrayList<String>();
        for (String w : lower(s).split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
