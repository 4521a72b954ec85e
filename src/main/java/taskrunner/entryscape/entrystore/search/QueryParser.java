package taskrunner.entryscape.entrystore.search;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the Solr query syntax that entrystore.js's SolrQuery and EntryStoreUtil write into a
 * {@link SearchQuery}: {@code field:value} and {@code field:"a phrase"} terms (a backslash
 * escapes the next character, as the library escapes {@code :} and parentheses in URIs; an
 * unescaped {@code /} inside a value is taken as itself, since the library leaves them), a
 * trailing {@code *} for a prefix, {@code field:*} for any value, {@code *:*}, parentheses,
 * {@code AND}/{@code &&}, {@code OR}/{@code ||}, {@code NOT}/{@code !}/{@code -} and {@code +}
 * before a clause, and boosts ({@code ^2}, ignored: there is no scoring).
 *
 * <p>Whatever Solr would read differently from plain boolean logic, or this server does not
 * implement, is refused ({@link BadQuery}) rather than answered wrongly: terms without a
 * field, terms side by side without an operator (Solr's default OR), AND and OR mixed in one
 * group without parentheses (Solr's precedence is not boolean), NOT as an alternative of an
 * OR (Solr reads {@code a OR NOT b} as {@code a AND NOT b}), wildcards other than a trailing
 * {@code *}, ranges, fuzzy and proximity terms, regular expressions, {@code field:(...)}
 * groups, and nesting deeper than {@value #MAX_DEPTH}.
 */
public final class QueryParser {
    static final int MAX_DEPTH = 32;
    private static final Pattern BOOST = Pattern.compile("\\d+(\\.\\d+)?");

    /** A query this server cannot answer; the message says why. */
    public static final class BadQuery extends Exception {
        BadQuery(String message) {
            super(message);
        }
    }

    private enum Type { WORD, PHRASE, OPEN, CLOSE }

    private record Token(Type type, String text) {}

    private final List<Token> tokens;
    private int at;

    private QueryParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    public static SearchQuery parse(String query) throws BadQuery {
        var p = new QueryParser(tokenize(query));
        if (p.tokens.isEmpty()) throw new BadQuery("The query is empty");
        SearchQuery q = p.group(0);
        if (p.peek() != null) throw new BadQuery("Unbalanced parenthesis: a ')' without its '('");
        return q;
    }

    private static List<Token> tokenize(String s) throws BadQuery {
        var out = new ArrayList<Token>();
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '\u3000') {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(new Token(c == '(' ? Type.OPEN : Type.CLOSE, String.valueOf(c)));
                i++;
            } else if (c == '"') {
                var sb = new StringBuilder();
                int j = i + 1;
                for (; j < n && s.charAt(j) != '"'; j++) {
                    if (s.charAt(j) == '\\' && j + 1 < n) j++;
                    sb.append(s.charAt(j));
                }
                if (j >= n) throw new BadQuery("A phrase is not closed: " + s.substring(i));
                out.add(new Token(Type.PHRASE, sb.toString()));
                i = j + 1;
            } else {
                int j = i;
                while (j < n) {
                    char d = s.charAt(j);
                    if (d == '\\') {
                        j += 2;
                    } else if (Character.isWhitespace(d) || d == '\u3000' || d == '(' || d == ')' || d == '"') {
                        break;
                    } else {
                        j++;
                    }
                }
                j = Math.min(j, n);
                out.add(new Token(Type.WORD, s.substring(i, j)));
                i = j;
            }
        }
        return out;
    }

    private Token peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private boolean peekWord(String... words) {
        Token t = peek();
        if (t == null || t.type != Type.WORD) return false;
        for (String w : words) if (t.text.equals(w)) return true;
        return false;
    }

    private enum Op { AND, OR }

    /** Clauses with one operator between each two; at the top or inside parentheses. */
    private SearchQuery group(int depth) throws BadQuery {
        var clauses = new ArrayList<SearchQuery>();
        var ops = EnumSet.noneOf(Op.class);
        clauses.add(clause(depth));
        while (peek() != null && peek().type != Type.CLOSE) {
            if (peekWord("AND", "&&")) {
                ops.add(Op.AND);
            } else if (peekWord("OR", "||")) {
                ops.add(Op.OR);
            } else {
                throw new BadQuery("Put AND or OR between two terms (before " + peek().text + ")");
            }
            at++;
            clauses.add(clause(depth));
        }
        if (ops.size() > 1) throw new BadQuery("AND and OR are mixed without parentheses: group them with ( )");
        if (clauses.size() == 1) return clauses.get(0);
        if (ops.contains(Op.AND)) return new SearchQuery.And(clauses);
        for (SearchQuery c : clauses) {
            if (c instanceof SearchQuery.Not) throw new BadQuery("NOT as an alternative of OR is not supported: use AND NOT");
        }
        return new SearchQuery.Or(clauses);
    }

    private SearchQuery clause(int depth) throws BadQuery {
        if (depth > MAX_DEPTH) throw new BadQuery("The query nests deeper than " + MAX_DEPTH);
        Token t = peek();
        if (t == null) throw new BadQuery("The query ends where a term should be");
        switch (t.type) {
            case OPEN -> {
                at++;
                SearchQuery q = group(depth + 1);
                if (peek() == null || peek().type != Type.CLOSE) throw new BadQuery("Unbalanced parenthesis: a '(' without its ')'");
                at++;
                skipBoost();
                return q;
            }
            case CLOSE -> throw new BadQuery("Empty parentheses, or a ')' where a term should be");
            case PHRASE -> throw new BadQuery("A phrase needs a field: field:\"" + t.text + "\"");
            default -> {
            }
        }
        String w = t.text;
        if (w.equals("NOT") || w.equals("!") || w.equals("-")) {
            at++;
            return new SearchQuery.Not(clause(depth + 1));
        }
        if (w.equals("+")) {
            at++;
            return clause(depth + 1);
        }
        if (w.equals("AND") || w.equals("OR") || w.equals("&&") || w.equals("||")) {
            throw new BadQuery(w + " where a term should be");
        }
        char first = w.charAt(0);
        if (first == '-' || first == '!' || first == '+') {
            tokens.set(at, new Token(Type.WORD, w.substring(1)));
            SearchQuery q = clause(depth + 1);
            return first == '+' ? q : new SearchQuery.Not(q);
        }
        at++;
        return term(w);
    }

    private void skipBoost() {
        Token t = peek();
        if (t != null && t.type == Type.WORD && t.text.startsWith("^") && BOOST.matcher(t.text.substring(1)).matches()) at++;
    }

    private SearchQuery term(String word) throws BadQuery {
        int colon = unescaped(word, ':');
        if (colon < 0) throw new BadQuery("Each term needs a field, as in field:value (" + word + ")");
        String name = word.substring(0, colon);
        String rest = word.substring(colon + 1);
        if (name.equals("*")) {
            if (rest.equals("*")) return new SearchQuery.All();
            throw new BadQuery("Only *:* may use * as a field");
        }
        Field field;
        try {
            field = Field.named(name);
        } catch (Field.Unknown e) {
            throw new BadQuery(e.getMessage());
        }
        if (rest.isEmpty()) {
            Token t = peek();
            if (t != null && t.type == Type.PHRASE) {
                at++;
                skipBoost();
                return new SearchQuery.Term(field, t.text, SearchQuery.Form.PHRASE);
            }
            if (t != null && t.type == Type.OPEN) {
                throw new BadQuery("field:(...) groups are not supported: write the field in each term (" + name + ")");
            }
            throw new BadQuery("No value for " + name);
        }
        return value(field, rest);
    }

    /** The value of a term, unescaped; its form from a trailing unescaped *. */
    private static SearchQuery value(Field field, String raw) throws BadQuery {
        if (raw.equals("*")) return new SearchQuery.Term(field, "", SearchQuery.Form.ANY);
        if (raw.charAt(0) == '/') throw new BadQuery("Regular expressions are not supported (escape a leading / as \\/)");
        var sb = new StringBuilder();
        var form = SearchQuery.Form.VALUE;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                if (i + 1 >= raw.length()) throw new BadQuery("A value ends with a lone backslash: " + raw);
                sb.append(raw.charAt(++i));
                continue;
            }
            switch (c) {
                case '*' -> {
                    if (i != raw.length() - 1) throw new BadQuery("Wildcards are supported only at the end of a value: " + raw);
                    form = SearchQuery.Form.PREFIX;
                }
                case '^' -> {
                    if (!BOOST.matcher(raw.substring(i + 1)).matches()) throw new BadQuery("A boost needs a number: " + raw);
                    i = raw.length();
                }
                case '?' -> throw new BadQuery("The ? wildcard is not supported: " + raw);
                case '~' -> throw new BadQuery("Fuzzy and proximity searches are not supported: " + raw);
                case '[', ']', '{', '}' -> throw new BadQuery("Range queries are not supported: " + raw);
                case ':' -> throw new BadQuery("Escape ':' inside a value as \\: (" + raw + ")");
                default -> sb.append(c);
            }
        }
        if (sb.isEmpty()) throw new BadQuery("No value in " + raw);
        return new SearchQuery.Term(field, sb.toString(), form);
    }

    private static int unescaped(String s, char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') i++;
            else if (s.charAt(i) == c) return i;
        }
        return -1;
    }
}
