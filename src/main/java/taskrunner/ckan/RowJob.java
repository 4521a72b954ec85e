package taskrunner.ckan;

import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.RowTaskType;
import taskrunner.csv.RowFields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a row task type (an operator-declared command, or a built-in row example) as an
 * asynchronous CKAN job named {@code <category>/<action>}: {@code data} is the one row (an
 * object of field to value; non-string values become their JSON text), the result is the
 * input row with the handler's output columns set. A no-input type's generated rows become a list of rows.
 * Not rerun after a crash: a command may have side effects.
 */
final class RowJob {
    private RowJob() {}

    static JobTaskType of(RowTaskType type) {
        return new JobTaskType(type.key(), true, false, (data, ctx) -> {
            if (!type.expectsInput()) {
                var rows = new ArrayList<Map<String, String>>();
                type.generator().generate(row -> rows.add(new LinkedHashMap<>(row)), ctx);
                return rows;
            }
            Map<String, String> row = row(type, data);
            try {
                Map<String, String> out = type.handler().apply(row, ctx);
                var result = new LinkedHashMap<String, String>(row);
                if (out != null) result.putAll(out);
                return result;
            } catch (RowTaskType.RowFailure f) {
                throw new JobError(f.getMessage(), new LinkedHashMap<String, Object>(f.output()));
            }
        });
    }

    private static Map<String, String> row(RowTaskType type, Object data) throws JobError {
        if (data != null && !(data instanceof Map<?, ?>)) throw new JobError("data has to be a json object of field values");
        var row = new LinkedHashMap<String, String>();
        if (data instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                Object v = e.getValue();
                row.put(String.valueOf(e.getKey()), v == null ? null : v instanceof String s ? s : PyJson.dumps(v));
            }
        }
        var fields = new RowFields(type.mandatory(), type.optional(), type.acceptsAnyColumns());
        List<String> unknown = fields.unknown(row.keySet());
        if (!unknown.isEmpty()) throw new JobError("unknown fields: " + String.join(", ", unknown));
        List<String> missing = fields.missing(row);
        if (!missing.isEmpty()) throw new JobError("missing mandatory fields: " + String.join(", ", missing));
        for (String f : type.optional()) row.putIfAbsent(f, null);
        return row;
    }
}
