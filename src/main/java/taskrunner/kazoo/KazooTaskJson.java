package taskrunner.kazoo;

import taskrunner.core.Task;
import taskrunner.core.TaskService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public JSON of a task in the shapes of reference §5.2: the view shape (list items
 * and GET, with {@code csvs}, without {@code node}) and the action shape (create, start,
 * stop, delete: with {@code node}, without {@code csvs}). Unset fields are omitted.
 */
final class KazooTaskJson {
    private KazooTaskJson() {}

    static String categoryName(Task t) {
        return t.type().substring(0, t.type().indexOf('/'));
    }

    static String actionName(Task t) {
        return t.type().substring(t.type().indexOf('/') + 1);
    }

    /** List items and GET: with csvs, no node. */
    static Map<String, Object> view(Task t, TaskService tasks) {
        var m = common(t, false);
        var csvs = new ArrayList<String>();
        if (t.input() != null) csvs.add("in.csv");
        if (t.output() != null) csvs.add("out.csv");
        if (!csvs.isEmpty()) m.put("csvs", csvs);
        return m;
    }

    /** Create, start, stop, delete: with node, no csvs. */
    static Map<String, Object> action(Task t) {
        return common(t, true);
    }

    /** The create answer: the action shape plus the seed's {@code submit_timestamp}. */
    static Map<String, Object> created(Task t) {
        var m = common(t, false);
        m.put("submit_timestamp", Gregorian.fromMillis(t.created()));
        return m;
    }

    private static Map<String, Object> common(Task t, boolean node) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", t.id());
        if (node && t.started() != null) m.put("node", KazooEnvelope.NODE_NAME);
        m.put("account_id", t.accountId());
        m.put("auth_account_id", t.authAccountId());
        m.put("category", categoryName(t));
        m.put("action", actionName(t));
        if (t.fileName() != null && !t.fileName().isEmpty()) m.put("file_name", t.fileName());
        m.put("created", Gregorian.fromMillis(t.created()));
        if (t.started() != null) m.put("start_timestamp", Gregorian.fromMillis(t.started()));
        if (t.finished() != null) m.put("end_timestamp", Gregorian.fromMillis(t.finished()));
        if (t.failed() != null) m.put("failure_count", t.failed());
        if (t.succeeded() != null) m.put("success_count", t.succeeded());
        if (t.total() != null) m.put("total_count", t.total());
        m.put("status", KazooStatus.of(t));
        KazooTaskState state = t.faceState(KazooTaskState.class);
        if (state != null) m.put("resumed_after_row", state.resumedAfterRow());
        return m;
    }
}
