package taskrunner.csv;

import com.fasterxml.jackson.jr.ob.JSON;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * Renders one JSON value (as parsed by jackson-jr) as CSV cell text.
 *
 * <p>Invariant: the result is either null (= missing cell) or a non-empty string; JSON null, a
 * missing key and the empty string all collapse to null, matching how the CSV side reads an
 * unquoted empty cell.
 */
final class JsonCellText {

    private JsonCellText() {
    }

    static String of(Object value) {
        String text = render(value);
        return text == null || text.isEmpty() ? null : text;
    }

    private static String render(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean || value instanceof Double || value instanceof Float) {
            // Double.toString is the shortest round-tripping form since JDK 19.
            return value.toString();
        }
        if (value instanceof BigDecimal d) {
            // Only seen when the parser is configured for exact decimals; avoid "1E+3" surprises.
            return d.toPlainString();
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof Map<?, ?> map) {
            return asJson(map);
        }
        if (value instanceof Collection<?> list) {
            return concat(list);
        }
        if (value instanceof Object[] array) {
            return concat(java.util.Arrays.asList(array));
        }
        return value.toString();
    }

    private static String concat(Collection<?> elements) {
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            String text = render(e);
            if (text != null) {
                sb.append(text);
            }
        }
        return sb.toString();
    }

    private static String asJson(Map<?, ?> map) {
        return taskrunner.Json.string(map);
    }
}
