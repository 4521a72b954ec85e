package taskrunner.kazoo;

import taskrunner.core.FaceState;
import taskrunner.core.Task;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kazoo face's part of a task, there once the task was started. Journals written before
 * {@code node} existed hold only {@code resumed_after_row}, and tasks started before it none.
 *
 * @param resumedAfterRow the rows it had done when the previous process ended, after which
 *                        it went on ({@code resumed_after_row} in its JSON), or null if it
 *                        was never resumed
 * @param node            the node name of the server that started it, or that resumed it
 *                        after a restart (Kazoo's {@code pvt_worker_node}, {@code node} in
 *                        its JSON), or null if it was started before nodes were recorded
 */
record KazooTaskState(Long resumedAfterRow, String node) implements FaceState {
    static final FaceState.Codec<KazooTaskState> CODEC = new FaceState.Codec<>() {
        public Class<KazooTaskState> type() {
            return KazooTaskState.class;
        }

        public Map<String, Object> encode(KazooTaskState s) {
            var m = new LinkedHashMap<String, Object>();
            if (s.resumedAfterRow != null) m.put("resumed_after_row", s.resumedAfterRow);
            if (s.node != null) m.put("node", s.node);
            return m;
        }

        public KazooTaskState decode(Map<String, Object> m) {
            Number resumed = (Number) m.get("resumed_after_row");
            return new KazooTaskState(resumed == null ? null : resumed.longValue(), (String) m.get("node"));
        }
    };

    /** The state of {@code t}, or an empty one. */
    static KazooTaskState of(Task t) {
        KazooTaskState s = t.faceState(KazooTaskState.class);
        return s == null ? new KazooTaskState(null, null) : s;
    }

    KazooTaskState onNode(String node) {
        return new KazooTaskState(resumedAfterRow, node);
    }

    KazooTaskState resumedAfter(long row) {
        return new KazooTaskState(row, node);
    }
}
