package taskrunner.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description
 * and not from our writer: it refuses what a lenient scraper would let pass. Every line ends
 * with '\n' and is {@code # HELP <name> <text>}, {@code # TYPE <name> <type>} or a sample
 * {@code <name>[{<label>="<value>",...}] <value>[ <timestamp>]}; names, label names, escapes
 * and values are checked; each family has one TYPE, before its samples, and its lines form
 * one group; no series twice; counters not negative; a histogram's buckets per label set have
 * increasing {@code le}, cumulative counts, end in {@code +Inf}, and {@code _count} equals the
 * {@code +Inf} bucket, with a {@code _sum}.
 */
final class StrictTextFormat {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]Inf|NaN");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type, String help, List<Sample> samples) {}

    /** The families read, by name, in the order they came. */
    final Map<String, Family> families = new LinkedHashMap<>();

    private StrictTextFormat() {}

    /** Reads the whole text; throws {@link AssertionError} naming the line at the first violation. */
    static StrictTextFormat read(String text) {
        var r = new StrictTextFormat();
        if (!text.isEmpty() && !text.endsWith("\n")) throw new AssertionError("the text does not end with a newline");
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        var types = new LinkedHashMap<String, String>();
        var helps = new LinkedHashMap<String, String>();
        var closed = new HashSet<String>();
        var series = new HashSet<String>();
        String current = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            String family;
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length < 3 || !p[0].equals("#") || !(p[1].equals("HELP") || p[1].equals("TYPE"))) {
                    throw new AssertionError(where + "a comment other than '# HELP name text' or '# TYPE name type'");
                }
                family = p[2];
                check(NAME, family, where + "metric name");
                if (p[1].equals("TYPE")) {
                    if (p.length != 4 || !TYPES.contains(p[3])) throw new AssertionError(where + "unknown type");
                    if (types.containsKey(family)) throw new AssertionError(where + "a second TYPE for " + family);
                    if (r.families.containsKey(family) && !r.families.get(family).samples.isEmpty()) {
                        throw new AssertionError(where + "TYPE after samples of " + family);
                    }
                    types.put(family, p[3]);
                } else {
                    if (helps.containsKey(family)) throw new AssertionError(where + "a second HELP for " + family);
                    helps.put(family, unescapeHelp(p.length == 4 ? p[3] : "", where));
                }
                r.families.computeIfAbsent(family, n -> new Family(n, null, null, new ArrayList<>()));
            } else {
                Sample s = sample(line, where);
                family = familyOf(s.name, types);
                if (family == null) throw new AssertionError(where + "a sample of no family with a TYPE line before it");
                String id = s.name + new TreeMap<>(s.labels);
                if (!series.add(id)) throw new AssertionError(where + "the same series twice");
                if (types.get(family).equals("counter") && !(s.value >= 0)) throw new AssertionError(where + "a counter below 0");
                r.families.get(family).samples.add(s);
            }
            if (!family.equals(current)) {
                if (closed.contains(family)) throw new AssertionError(where + "the lines of " + family + " are not one group");
                if (current != null) closed.add(current);
                current = family;
            }
        }
        for (var e : new ArrayList<>(r.families.values())) {
            if (!types.containsKey(e.name)) throw new AssertionError("family " + e.name + " has no TYPE");
            var f = new Family(e.name, types.get(e.name), helps.get(e.name), e.samples);
            if (f.type.equals("histogram")) checkHistogram(f);
            r.families.put(e.name, f);
        }
        return r;
    }

    /** The family a sample belongs to: its own name, or a histogram's for its _bucket, _sum, _count. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) return name;
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(base))) return base;
            }
        }
        return null;
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = line.substring(0, i);
        check(NAME, name, where + "metric name");
        var labels = new LinkedHashMap<String, String>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                int eq = line.indexOf('=', i);
                if (eq < 0) throw new AssertionError(where + "a label without '='");
                String label = line.substring(i, eq);
                check(LABEL, label, where + "label name");
                if (label.startsWith("__")) throw new AssertionError(where + "a reserved label name " + label);
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') throw new AssertionError(where + "an unquoted label value");
                var value = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) throw new AssertionError(where + "an unterminated label value");
                    char c = line.charAt(j);
                    if (c == '"') break;
                    if (c == '\\') {
                        if (++j >= line.length()) throw new AssertionError(where + "a dangling backslash");
                        char e = line.charAt(j);
                        if (e == '\\') value.append('\\');
                        else if (e == '"') value.append('"');
                        else if (e == 'n') value.append('\n');
                        else throw new AssertionError(where + "an escape \\" + e + " the format does not have");
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) throw new AssertionError(where + "label " + label + " twice");
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                    continue;
                }
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                throw new AssertionError(where + "labels not closed by '}'");
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw new AssertionError(where + "no single space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2) throw new AssertionError(where + "more than a value and a timestamp");
        check(VALUE, rest[0], where + "value");
        if (rest.length == 2) check(TIMESTAMP, rest[1], where + "timestamp");
        return new Sample(name, labels, parse(rest[0]));
    }

    private static double parse(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private static String unescapeHelp(String help, String where) {
        var sb = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= help.length()) throw new AssertionError(where + "a dangling backslash in HELP");
            char e = help.charAt(i);
            if (e == '\\') sb.append('\\');
            else if (e == 'n') sb.append('\n');
            else throw new AssertionError(where + "an escape \\" + e + " HELP does not have");
        }
        return sb.toString();
    }

    private static void checkHistogram(Family f) {
        var groups = new LinkedHashMap<Map<String, String>, List<Sample>>();
        for (Sample s : f.samples) {
            var rest = new TreeMap<>(s.labels);
            boolean bucket = s.name.equals(f.name + "_bucket");
            if (bucket != rest.containsKey("le")) throw new AssertionError(f.name + ": le on a sample that is not a bucket, or a bucket without it: " + s);
            if (!bucket && !s.name.equals(f.name + "_sum") && !s.name.equals(f.name + "_count")) {
                throw new AssertionError(f.name + ": a histogram sample " + s.name);
            }
            rest.remove("le");
            groups.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
        }
        for (var g : groups.entrySet()) {
            double le = Double.NEGATIVE_INFINITY;
            double count = -1;
            Double inf = null, total = null, sum = null;
            for (Sample s : g.getValue()) {
                if (s.name.endsWith("_bucket")) {
                    String raw = s.labels.get("le");
                    check(VALUE, raw, f.name + " le");
                    double bound = parse(raw);
                    if (!(bound > le)) throw new AssertionError(f.name + g.getKey() + ": le " + raw + " does not increase");
                    if (s.value < count) throw new AssertionError(f.name + g.getKey() + ": buckets not cumulative at le " + raw);
                    if (inf != null) throw new AssertionError(f.name + g.getKey() + ": a bucket after +Inf");
                    le = bound;
                    count = s.value;
                    if (bound == Double.POSITIVE_INFINITY) inf = s.value;
                } else if (s.name.endsWith("_count")) {
                    total = s.value;
                } else {
                    sum = s.value;
                }
            }
            if (inf == null) throw new AssertionError(f.name + g.getKey() + ": no +Inf bucket");
            if (total == null || !total.equals(inf)) throw new AssertionError(f.name + g.getKey() + ": _count " + total + " is not the +Inf bucket " + inf);
            if (sum == null) throw new AssertionError(f.name + g.getKey() + ": no _sum");
        }
    }

    private static void check(Pattern p, String s, String what) {
        if (!p.matcher(s).matches()) throw new AssertionError(what + " not valid: '" + s + "'");
    }

    /** The value of the sample {@code name} with exactly these labels, or null if there is none. */
    Double value(String name, Map<String, String> labels) {
        for (Family f : families.values()) {
            for (Sample s : f.samples) if (s.name.equals(name) && s.labels.equals(labels)) return s.value;
        }
        return null;
    }

    /** The same, 0 when the series does not exist (yet). */
    double valueOr0(String name, Map<String, String> labels) {
        Double v = value(name, labels);
        return v == null ? 0 : v;
    }

    /** Every sample of this name. */
    List<Sample> samples(String name) {
        var out = new ArrayList<Sample>();
        for (Family f : families.values()) for (Sample s : f.samples) if (s.name.equals(name)) out.add(s);
        return out;
    }
}
