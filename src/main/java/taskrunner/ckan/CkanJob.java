package taskrunner.ckan;

import taskrunner.core.Task;
import taskrunner.core.TaskState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CKAN job as the face reads it: a core {@link Task} with {@code face="ckan"} and its
 * {@link CkanJobState}, with the fallbacks of a job the core ended on its own (crash, stop).
 */
record CkanJob(Task task, CkanJobState state) {
    static final String FACE = "ckan";

    static final String PENDING = "pending";
    static final String COMPLETE = "complete";
    static final String FAILED = "error";

    static CkanJob of(Task t) {
        return t == null || !FACE.equals(t.face()) ? null : new CkanJob(t, t.faceState(CkanJobState.class));
    }

    String id() {
        return task.id();
    }

    String status() {
        if (task.state() == TaskState.STOPPED) return FAILED;
        if (task.state() != TaskState.DONE) return PENDING;
        return state.end() != null ? state.end().status() : FAILED;
    }

    Map<String, Object> submission() {
        return state.submission() != null ? state.submission() : Map.of();
    }

    Object inputData() {
        return submission().get("data");
    }

    Object sentData() {
        Object d = inputData();
        return PyJson.truthy(d) ? d : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata() {
        return submission().get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    Object resultUrl() {
        return submission().get("result_url");
    }

    boolean wantsCallback() {
        return resultUrl() instanceof String s && !s.isEmpty();
    }

    String apiKey() {
        return state.keys().apiKey();
    }

    String keyHash() {
        return state.keys().jobKeyHash();
    }

    Object result() {
        return state.end() != null ? state.end().result() : null;
    }

    /**
     * The error object, or null; a crash the core recorded reads as its message, and a
     * stopped job (deleted while it ran) as cancelled.
     */
    Object error() {
        if (state.error() != null) return state.error();
        if (task.state() == TaskState.STOPPED && state.end() == null) return Map.of("message", "Job was cancelled");
        if (task.state().finished() && task.error() != null && state.end() == null) {
            return Map.of("message", task.error());
        }
        return null;
    }

    long requestedMicros() {
        return state.requestedMicros() != null ? state.requestedMicros() : task.created() * 1000;
    }

    /** When it finished, or null; a crash the core recorded has only its millisecond time. */
    Long finishedMicros() {
        if (state.end() != null) return state.end().finishedMicros();
        return task.state().finished() && task.finished() != null ? task.finished() * 1000 : null;
    }

    CkanJobState.Callback callback() {
        return state.callback();
    }

    /** Its result callback is owed and not yet delivered. */
    boolean owesCallback() {
        return state.callback() == CkanJobState.Callback.PENDING;
    }

    /**
     * The job dict (keys in the original's order). {@code jobKey} non-null adds it, which
     * only the submit answer and the callback do.
     */
    Map<String, Object> dict(String jobKey, List<Map<String, Object>> logs) {
        var m = new LinkedHashMap<String, Object>();
        m.put("job_id", id());
        m.put("job_type", task.type());
        m.put("status", status());
        m.put("data", result());
        m.put("error", error());
        m.put("requested_timestamp", CkanTime.format(requestedMicros()));
        m.put("finished_timestamp", CkanTime.format(finishedMicros()));
        m.put("sent_data", sentData());
        m.put("aps_job_id", state.apsJobId());
        m.put("result_url", resultUrl());
        if (jobKey != null) m.put("job_key", jobKey);
        m.put("metadata", new java.util.TreeMap<>(metadata()));
        m.put("logs", logs);
        return m;
    }
}
