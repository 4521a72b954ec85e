package taskrunner.core;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/** The journal form of a {@link Task}: a flat JSON object, absent keys for null fields. */
public final class TaskCodec implements Kind.Codec<Task> {
    public static final Kind<Task> KIND = new Kind<>("task", new TaskCodec());

    @Override
    public Map<String, Object> encode(Task t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", t.id());
        m.put("face", t.face());
        m.put("type", t.type());
        put(m, "account", t.accountId());
        put(m, "auth_account", t.authAccountId());
        m.put("state", t.state().name());
        m.put("created", t.created());
        put(m, "started", t.started());
        put(m, "finished", t.finished());
        put(m, "total", t.total());
        put(m, "ok", t.succeeded());
        put(m, "bad", t.failed());
        put(m, "file_name", t.fileName());
        put(m, "input", t.input());
        put(m, "output", t.output());
        if (t.checkpoint() != null) {
            m.put("cp_rows", t.checkpoint().rowsDone());
            m.put("cp_bytes", t.checkpoint().outputBytes());
        }
        put(m, "error", t.error());
        if (!t.extras().isEmpty()) m.put("x", t.extras());
        return m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Task decode(Map<String, Object> m) {
        Checkpoint cp = m.containsKey("cp_rows")
                ? new Checkpoint(num(m.get("cp_rows")), num(m.get("cp_bytes"))) : null;
        return new Task((String) m.get("id"), (String) m.get("face"), (String) m.get("type"),
                (String) m.get("account"), (String) m.get("auth_account"),
                TaskState.valueOf((String) m.get("state")), num(m.get("created")),
                optNum(m.get("started")), optNum(m.get("finished")), optNum(m.get("total")),
                optNum(m.get("ok")), optNum(m.get("bad")), (String) m.get("file_name"),
                (String) m.get("input"), (String) m.get("output"), cp, (String) m.get("error"),
                (Map<String, Object>) m.get("x"));
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) m.put(k, v);
    }

    static long num(Object o) {
        return ((Number) o).longValue();
    }

    static Long optNum(Object o) {
        return o == null ? null : ((Number) o).longValue();
    }
}
