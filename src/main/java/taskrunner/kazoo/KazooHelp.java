package taskrunner.kazoo;

import taskrunner.core.Registry;
import taskrunner.core.RowTaskType;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v2/tasks[?category=C[&action=A]]}: the help listing. No token needed. All
 * types and one category nest category → action (reference); category and action answer
 * {@code {"tasks":{A:{...}}}} as the seed shows; anything unknown, or an action without a
 * category, is the seed's 500 "invalid request".
 */
final class KazooHelp {
    private final Registry registry;
    private final KazooEnvelope envelope;

    KazooHelp(Registry registry, KazooEnvelope envelope) {
        this.registry = registry;
        this.envelope = envelope;
    }

    Response help(Request req) {
        String category = req.query("category");
        String action = req.query("action");
        if (action != null && category == null) return envelope.invalidRequest(req, null);
        if (category != null && action != null) {
            RowTaskType t = registry.row(category + "/" + action);
            if (t == null) return envelope.invalidRequest(req, null);
            return envelope.success(req, 200, Map.of("tasks", Map.of(action, api(t))));
        }
        var byCategory = new LinkedHashMap<String, Map<String, Object>>();
        for (RowTaskType t : registry.rowTypes()) {
            if (category != null && !category.equals(t.category())) continue;
            byCategory.computeIfAbsent(t.category(), c -> new LinkedHashMap<>()).put(t.action(), api(t));
        }
        if (category != null && byCategory.isEmpty()) return envelope.invalidRequest(req, null);
        return envelope.success(req, 200, Map.of("tasks", byCategory));
    }

    /** The API object of reference §4: description, doc and, for input tasks, fields. */
    static Map<String, Object> api(RowTaskType t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("description", t.description());
        m.put("doc", t.doc());
        if (t.expectsInput()) {
            m.put("expected_content", "text/csv");
            m.put("mandatory", t.mandatory());
            m.put("optional", t.optional());
        }
        return m;
    }
}
