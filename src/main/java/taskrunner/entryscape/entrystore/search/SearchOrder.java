package taskrunner.entryscape.entrystore.search;

import taskrunner.entryscape.entrystore.EntryDoc;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The order of search results from EntryStore's {@code sort} parameter: comma-separated
 * {@code field [asc|desc]} (the library writes {@code title+asc}, so a space). Fields:
 * {@code modified}, {@code created}, {@code title}, {@code title.<lang>} and
 * {@code title_sort.<lang>} (by the first title, ignoring case and language), and
 * {@code score}, which is ignored: there is no relevance score here. Without a sort, newest
 * change first, as EntryStore's default (score, then modified, descending) orders equal
 * scores. Ties end in entry URI order, so pages do not overlap.
 */
public final class SearchOrder {
    private SearchOrder() {}

    private static final Comparator<EntryDoc> BY_URI = Comparator.comparing(d -> d.info().entryUri());
    private static final Comparator<EntryDoc> NEWEST = Comparator.comparingLong((EntryDoc d) -> d.info().modified()).reversed();

    public static Comparator<EntryDoc> parse(String sort) throws QueryParser.BadQuery {
        if (sort == null || sort.isBlank()) return NEWEST.thenComparing(BY_URI);
        Comparator<EntryDoc> order = (a, b) -> 0;
        for (String clause : sort.split(",")) {
            String[] parts = clause.trim().split("\\s+");
            if (parts.length > 2 || parts[0].isEmpty()) throw new QueryParser.BadQuery("A sort is field [asc|desc]: " + clause);
            boolean desc = parts.length == 2 && parts[1].equalsIgnoreCase("desc");
            if (parts.length == 2 && !desc && !parts[1].equalsIgnoreCase("asc")) {
                throw new QueryParser.BadQuery("A sort direction is asc or desc: " + clause);
            }
            Comparator<EntryDoc> by = field(parts[0]);
            order = order.thenComparing(desc ? by.reversed() : by);
        }
        return order.thenComparing(BY_URI);
    }

    private static Comparator<EntryDoc> field(String name) throws QueryParser.BadQuery {
        if (name.equals("score")) return (a, b) -> 0;
        if (name.equals("modified")) return Comparator.comparingLong(d -> d.info().modified());
        if (name.equals("created")) return Comparator.comparingLong(d -> d.info().created());
        if (name.equals("title") || name.startsWith("title.") || name.startsWith("title_sort.")) {
            return Comparator.comparing(SearchOrder::firstTitle, Comparator.nullsLast(Comparator.naturalOrder()));
        }
        throw new QueryParser.BadQuery("Unsupported sort field: " + name + " (supported: score, modified, created, title[.<lang>])");
    }

    private static String firstTitle(EntryDoc d) {
        List<String> titles = Field.titles(d);
        return titles.isEmpty() ? null : titles.get(0).toLowerCase(Locale.ROOT);
    }
}
