package taskrunner.kazoo;

import taskrunner.core.Task;
import taskrunner.core.TaskService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public JSON of a task in the shapes of reference §5.2: the view shape (list items
 * and GET, with {@code csvs}) and the action shape (start, stop, delete: without
 * {@code csvs}). Both carry {@code node} once the task was started, as the seed's examples
 * show (list and delete; Kazoo's current view left it out): the node recorded in its
 * {@link KazooTaskState}, or for a task started before nodes were recorded this server's,
 * as answers showed then. Unset fields are omitted.
 */
final class KazooTaskJson {
    private KazooTaskJson() {}

    static String categoryName(Task t) {
        return t.type().substring(0, t.type().indexOf('/'));
    }

    static String actionName(Task t) {
        return t.type().substring(t.type().indexOf('/') + 1);
    }

    /** List items and GET: with csvs. */
    static Map<String, Object> view(Task t, TaskService tasks) {
        var m = common(t);
        var csvs = new ArrayList<String>();
        if (t.input() != null) csvs.add("in.csv");
        if (t.output() != null) csvs.add("out.csv");
        if (!csvs.isEmpty()) m.put("csvs", csvs);
        return m;
    }

    /** Start, stop, delete: no csvs. */
    static Map<String, Object> action(Task t) {
        return common(t);
    }

    /** The create answer: the action shape plus the seed's {@code submit_timestamp}. */
    static Map<String, Object> created(Task t) {
        var m = common(t);
        m.put("submit_timestamp", Gregorian.fromMillis(t.created()));
        return m;
    }

    private static Map<String, Object> common(Task t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", t.id());
        KazooTaskState state = t.faceState(KazooTaskState.class);
        if (t.started() != null) m.put("node", state == null || state.node() == null ? KazooEnvelope.NODE_NAME : state.node());
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
        if (state != null && state.resumedAfterRow() != null) m.put("resumed_after_row", state.resumedAfterRow());
        return m;
    }
}
