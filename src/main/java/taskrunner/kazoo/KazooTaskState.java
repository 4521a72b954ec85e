package taskrunner.kazoo;

import taskrunner.core.FaceState;

import java.util.Map;

/**
 * The Kazoo face's part of a task: only there once the task was resumed after a restart.
 *
 * @param resumedAfterRow the rows it had done when the previous process ended, after which
 *                        it went on ({@code resumed_after_row} in its JSON)
 */
record KazooTaskState(long resumedAfterRow) implements FaceState {
    static final FaceState.Codec<KazooTaskState> CODEC = new FaceState.Codec<>() {
        public Class<KazooTaskState> type() {
            return KazooTaskState.class;
        }

        public Map<String, Object> encode(KazooTaskState s) {
            return Map.of("resumed_after_row", s.resumedAfterRow);
        }

        public KazooTaskState decode(Map<String, Object> m) {
            return new KazooTaskState(((Number) m.get("resumed_after_row")).longValue());
        }
    };
}
