package taskrunner.tasks;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.core.RowTaskType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator-declared command tasks, read from a JSON file ({@code --tasks FILE}):
 * <pre>
 * {"tasks": [
 *   {"category": "files", "action": "line_count",
 *    "description": "Count the lines of a file", "doc": "...",
 *    "mandatory": ["path"], "optional": [],
 *    "argv": ["wc", "-l", "{path}"], "env": {"LC_ALL": "C"},
 *    "timeout_ms": 10000, "no_input": false}
 * ]}
 * </pre>
 * Each becomes a row task whose output adds {@code exit_code, stdout, stderr, error}; a
 * non-zero exit or a timeout makes the row a failure.
 */
public final class CommandTasks {
    private CommandTasks() {}

    public static List<RowTaskType> load(Path file) throws IOException {
        Map<String, Object> root;
        try {
            root = taskrunner.Json.STD.mapFrom(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage());
        }
        if (!(root.get("tasks") instanceof List<?> list)) throw new IOException(file + ": expected {\"tasks\": [...]}");
        var out = new ArrayList<RowTaskType>();
        int i = 0;
        for (Object o : list) {
            i++;
            if (!(o instanceof Map<?, ?> m)) throw new IOException(file + ": task " + i + " is not an object");
            out.add(type(spec(file, i, m)));
        }
        return out;
    }

    static CommandSpec spec(Path file, int i, Map<?, ?> m) throws IOException {
        String where = file + ": task " + i + ": ";
        String category = str(m, "category", where, true);
        String action = str(m, "action", where, true);
        List<String> argv = strings(m, "argv", where);
        if (argv.isEmpty()) throw new IOException(where + "argv must name a program");
        var env = new LinkedHashMap<String, String>();
        if (m.get("env") instanceof Map<?, ?> e) for (var x : e.entrySet()) env.put(String.valueOf(x.getKey()), String.valueOf(x.getValue()));
        long timeout = m.get("timeout_ms") instanceof Number n ? n.longValue() : 60_000;
        if (timeout <= 0) throw new IOException(where + "timeout_ms must be positive");
        String description = str(m, "description", where, false);
        String doc = str(m, "doc", where, false);
        return new CommandSpec(category, action, description == null ? "Runs " + argv.get(0) : description,
                doc == null ? "Runs `" + String.join(" ", argv) + "` for each row.\n" : doc,
                strings(m, "mandatory", where), strings(m, "optional", where), argv, env, timeout,
                Boolean.TRUE.equals(m.get("no_input")));
    }

    static RowTaskType type(CommandSpec s) {
        if (s.noInput()) {
            return RowTaskType.noInput(s.category(), s.action(), s.description(), s.doc(), CommandRunner.outputColumns(),
                    (sink, ctx) -> {
                        Map<String, String> out;
                        try {
                            out = CommandRunner.run(s, Map.of(), ctx);
                        } catch (RowTaskType.RowFailure f) {
                            out = Map.of("error", f.getMessage());
                        }
                        sink.emit(out);
                    });
        }
        return RowTaskType.input(s.category(), s.action(), s.description(), s.doc(), s.mandatory(), s.optional(),
                CommandRunner.outputColumns(), (row, ctx) -> {
                    Map<String, String> out = CommandRunner.run(s, row, ctx);
                    if (out.containsKey("error")) throw new RowTaskType.RowFailure(out.get("error"), out);
                    return out;
                });
    }

    private static String str(Map<?, ?> m, String k, String where, boolean required) throws IOException {
        Object v = m.get(k);
        if (v == null && !required) return null;
        if (!(v instanceof String s) || s.isEmpty()) throw new IOException(where + k + " must be a non-empty string");
        return s;
    }

    private static List<String> strings(Map<?, ?> m, String k, String where) throws IOException {
        Object v = m.get(k);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw new IOException(where + k + " must be a list of strings");
        var out = new ArrayList<String>();
        for (Object o : l) {
            if (!(o instanceof String s)) throw new IOException(where + k + " must be a list of strings");
            out.add(s);
        }
        return out;
    }
}
