package taskrunner.metrics;

import java.math.BigDecimal;
import java.util.List;

/**
 * Writes the Prometheus text exposition format, version 0.0.4. Per family, a
 * {@code # HELP <name> <text>} and a {@code # TYPE <name> <type>} line, then its samples
 * {@code <name>{<label>="<value>",...} <value>}; every line ends with {@code '\n'}. Help text
 * escapes {@code \} and newline; label values escape {@code \}, {@code "} and newline.
 * Values are written as Go's ParseFloat reads them: digits for whole numbers, {@code +Inf},
 * {@code -Inf}, {@code NaN}.
 *
 * <p>Invariant: a family's HELP and TYPE lines come once, before its samples, and its
 * samples follow them together: {@link Metrics} hands each family the writer once, in turn.
 * Names and label names are checked by {@link Metrics} when a family is registered.
 */
final class TextFormat {
    private final StringBuilder out = new StringBuilder(8192);

    void family(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') out.append("\\\\");
            else if (c == '\n') out.append("\\n");
            else out.append(c);
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /**
     * One sample: {@code name} with the labels {@code names[i]="values[i]"}, plus one more
     * label if {@code extraName} is not null (a histogram bucket's {@code le}).
     */
    void sample(String name, List<String> names, List<String> values, String extraName, String extraValue, double value) {
        out.append(name);
        if (!names.isEmpty() || extraName != null) {
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) out.append(',');
                label(names.get(i), values.get(i));
            }
            if (extraName != null) {
                if (!names.isEmpty()) out.append(',');
                label(extraName, extraValue);
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    private void label(String name, String value) {
        out.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    /** A value as the format writes it: {@code 3}, {@code 0.25}, {@code +Inf}. */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    String text() {
        return out.toString();
    }
}
