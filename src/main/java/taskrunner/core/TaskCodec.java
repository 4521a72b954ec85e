package taskrunner.core;

import taskrunner.store.Kind;
import taskrunner.util.Canonical;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal form of a {@link Task}: a flat JSON object, absent keys for null fields, and
 * the face's state under {@code "x"} in the form its face's {@link FaceState.Codec} gives
 * (absent when the face keeps none, or its codec writes no key).
 *
 * <p>The state of a face this server has no codec for (a face it no longer speaks) is kept
 * as the JSON it was read as and written back unchanged, so a compaction does not lose it.
 */
public final class TaskCodec implements Kind.Codec<Task> {
    private final Map<String, FaceState.Codec<?>> byFace;
    /** The fields most tasks share a value of: face, type, the two accounts, the input's file name. */
    private final Canonical shared = new Canonical(10_000);

    private TaskCodec(Map<String, FaceState.Codec<?>> byFace) {
        this.byFace = Map.copyOf(byFace);
    }

    /** The store's kind for tasks, with each face's state codec by face name. */
    public static Kind<Task> kind(Map<String, FaceState.Codec<?>> byFace) {
        return new Kind<>("task", new TaskCodec(byFace));
    }

    /**
     * The state of a face without a codec here: its journal JSON as read. Every string in
     * it counts as a blob it may refer to, so the sweep at start keeps whatever it names.
     */
    private record Unread(Map<String, Object> json) implements FaceState {
        @Override
        public List<String> referencedBlobs() {
            var strings = new ArrayList<String>();
            strings(json, strings);
            return strings;
        }

        private static void strings(Object o, List<String> out) {
            if (o instanceof String s) out.add(s);
            else if (o instanceof Map<?, ?> m) for (Object v : m.values()) strings(v, out);
            else if (o instanceof Collection<?> c) for (Object v : c) strings(v, out);
        }
    }

    /** Its input and output, and whatever its face's state names. */
    @Override
    public Collection<String> blobs(Task t) {
        var ids = new ArrayList<String>();
        if (t.input() != null) ids.add(t.input());
        if (t.output() != null) ids.add(t.output());
        if (t.faceState() != null) ids.addAll(t.faceState().referencedBlobs());
        return ids;
    }

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
        Map<String, Object> x = encodeState(t);
        if (!x.isEmpty()) m.put("x", x);
        return m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Task decode(Map<String, Object> m) {
        Checkpoint cp = m.containsKey("cp_rows")
                ? new Checkpoint(num(m.get("cp_rows")), num(m.get("cp_bytes"))) : null;
        String face = shared.of((String) m.get("face"));
        return new Task((String) m.get("id"), face, shared.of((String) m.get("type")),
                shared.of((String) m.get("account")), shared.of((String) m.get("auth_account")),
                TaskState.valueOf((String) m.get("state")), num(m.get("created")),
                optNum(m.get("started")), optNum(m.get("finished")), optNum(m.get("total")),
                optNum(m.get("ok")), optNum(m.get("bad")), shared.of((String) m.get("file_name")),
                (String) m.get("input"), (String) m.get("output"), cp, (String) m.get("error"),
                decodeState(face, (Map<String, Object>) m.get("x")));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> encodeState(Task t) {
        FaceState s = t.faceState();
        if (s == null) return Map.of();
        if (s instanceof Unread u) return u.json();
        var codec = (FaceState.Codec<FaceState>) byFace.get(t.face());
        if (codec == null || !codec.type().isInstance(s)) {
            throw new IllegalStateException("task " + t.id() + " of face " + t.face() + " holds a "
                    + s.getClass().getSimpleName() + ", which its face has no codec for");
        }
        return codec.encode(s);
    }

    private FaceState decodeState(String face, Map<String, Object> x) {
        if (x == null) return null;
        FaceState.Codec<?> codec = byFace.get(face);
        return codec == null ? new Unread(x) : codec.decode(x);
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
