package taskrunner.ui;

import taskrunner.Face;
import taskrunner.auth.Account;
import taskrunner.core.Task;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task as the dashboard shows it, whatever its face. Its JSON ({@link #json}), keys in
 * this order, times in epoch milliseconds; a key whose value is unknown is left out (as
 * everywhere in the server's JSON), shown here as null:
 * <pre>
 * {"id": "...", "face": "kazoo" | "ckan" | "entryscape", "type": "examples/sleep",
 *  "account": {"id": "...", "name": "tenant-a"} | null,        (CKAN jobs belong to no account)
 *  "status": "pending" | "queued" | "running" | "done" | "failed" | "stopped",
 *  "face_status": "executing",                                   (the word of the face's own API)
 *  "error": "..." | null,
 *  "progress": {"done": 3, "failed": 0, "total": 20},            (each null when the face does not count)
 *  "created": 1767225600000, "started": ... | null, "finished": ... | null,
 *  "file_name": "in.csv" | null, "has_input": true, "has_output": false}
 * </pre>
 *
 * @param account the owner account, or null for a task of none (or whose account is gone)
 */
record DashboardTask(Task task, Account account, DashboardStatus status, Face.Status read) {

    static DashboardTask of(Task t, Account account, Face face) {
        Face.Status read = face.status(t);
        return new DashboardTask(t, account, DashboardStatus.of(t, read), read);
    }

    Map<String, Object> json() {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", task.id());
        m.put("face", task.face());
        m.put("type", task.type());
        m.put("account", account == null ? null : account(account));
        m.put("status", status.word());
        m.put("face_status", read.word());
        m.put("error", read.error());
        var p = new LinkedHashMap<String, Object>();
        p.put("done", task.succeeded());
        p.put("failed", task.failed());
        p.put("total", task.total());
        m.put("progress", p);
        m.put("created", task.created());
        m.put("started", task.started());
        m.put("finished", task.finished());
        m.put("file_name", task.fileName());
        m.put("has_input", task.input() != null);
        m.put("has_output", task.output() != null);
        return m;
    }

    /** An account as the dashboard's JSON names it: {@code {"id": "...", "name": "..."}}. */
    static Map<String, Object> account(Account a) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", a.id());
        m.put("name", a.name());
        return m;
    }
}
