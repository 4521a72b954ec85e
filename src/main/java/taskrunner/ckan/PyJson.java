package taskrunner.ckan;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way the original Python service does, so bodies match it byte for byte:
 * {@link #dumps} is {@code json.dumps} (keys in insertion order, {@code ", "} and
 * {@code ": "} separators, no trailing newline) used for job dicts and error bodies;
 * {@link #jsonify} is Flask's {@code jsonify} (keys sorted, compact, trailing newline) used
 * for {@code /}, {@code /status}, {@code /user} and the job list. Both escape every
 * non-ASCII character as {@code \\uXXXX}, and floats follow Python's {@code repr}.
 *
 * <p>Also the text form of non-string metadata values, which is what filters compare with
 * ({@link #str}), Python's truthiness ({@link #truthy}) and its {@code repr()} ({@link #repr}),
 * which the DataPusher job ({@code taskrunner.tasks.datapusher}) needs to read and log as the
 * original does.
 */
public final class PyJson {
    private PyJson() {}

    static String dumps(Object v) {
        var sb = new StringBuilder();
        write(sb, v, false, ", ", ": ");
        return sb.toString();
    }

    static String jsonify(Object v) {
        var sb = new StringBuilder();
        write(sb, v, true, ",", ":");
        return sb.append('\n').toString();
    }

    /** Python's truthiness of a decoded JSON value. */
    public static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    /** Python's {@code str()} of a decoded JSON value (how {@code api_key: 42} becomes "42"). */
    static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v == null) return "None";
        return dumps(v);
    }

    /**
     * Python's {@code repr()} of a decoded JSON value: strings in single quotes (double quotes when
     * they hold a single quote and no double quote), {@code True}, {@code False}, {@code None},
     * keys in insertion order, {@code ", "} and {@code ": "}; non-ASCII text as it is.
     */
    public static String repr(Object v) {
        var sb = new StringBuilder();
        writeRepr(sb, v);
        return sb.toString();
    }

    private static void writeRepr(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("None");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "True" : "False");
        } else if (v instanceof String s) {
            reprString(sb, s);
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            sb.append(pyFloat(((Number) v).doubleValue()));
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            String sep = "";
            for (var e : m.entrySet()) {
                sb.append(sep);
                writeRepr(sb, e.getKey());
                sb.append(": ");
                writeRepr(sb, e.getValue());
                sep = ", ";
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            String sep = "";
            for (Object o : c) {
                sb.append(sep);
                writeRepr(sb, o);
                sep = ", ";
            }
            sb.append(']');
        } else {
            throw new NotJson(v);
        }
    }

    private static void reprString(StringBuilder sb, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == quote) sb.append('\\').append(c);
                    else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append(quote);
    }

    private static void write(StringBuilder sb, Object v, boolean sort, String comma, String colon) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            sb.append(pyFloat(((Number) v).doubleValue()));
        } else if (v instanceof BigDecimal d) {
            sb.append(pyFloat(d.doubleValue()));
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Map<?, ?> m) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sort) entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            sb.append('{');
            boolean first = true;
            for (var e : entries) {
                if (!first) sb.append(comma);
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(colon);
                write(sb, e.getValue(), sort, comma, colon);
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) sb.append(comma);
                first = false;
                write(sb, o, sort, comma, colon);
            }
            sb.append(']');
        } else {
            throw new NotJson(v);
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** Python's repr of a float: shortest digits, exponent form below 1e-4 and from 1e16. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** A value with no JSON form (a job returned an object of its own class). */
    static final class NotJson extends IllegalArgumentException {
        NotJson(Object v) {
            super("not a JSON value: " + v.getClass().getName());
        }
    }
}
