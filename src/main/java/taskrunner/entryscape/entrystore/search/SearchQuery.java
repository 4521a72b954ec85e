package taskrunner.entryscape.entrystore.search;

import java.util.List;

/**
 * A parsed Solr query of the forms this server answers ({@link QueryParser}): terms on one
 * field, combined with AND, OR and NOT, with a plain boolean meaning.
 */
public sealed interface SearchQuery {
    /** {@code *:*}. */
    record All() implements SearchQuery {}

    record And(List<SearchQuery> all) implements SearchQuery {
        public And {
            all = List.copyOf(all);
        }
    }

    record Or(List<SearchQuery> any) implements SearchQuery {
        public Or {
            any = List.copyOf(any);
        }
    }

    record Not(SearchQuery query) implements SearchQuery {}

    /** How a term's value is meant: a value, a prefix ({@code abc*}), a quoted phrase, or any value ({@code field:*}). */
    enum Form { VALUE, PREFIX, PHRASE, ANY }

    /** {@code field:value}, the value unescaped; empty for {@link Form#ANY}. */
    record Term(Field field, String value, Form form) implements SearchQuery {}
}
