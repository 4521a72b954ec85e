package taskrunner.ckan;

import taskrunner.core.Task;
import taskrunner.core.TaskState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CKAN job as a core {@link Task} with {@code face="ckan"} sees it: the names of its
 * extras and how they read back. The raw job key is never among them (only its SHA-256);
 * the raw {@code api_key} is kept only until the result callback is done with it.
 */
record CkanJob(Task task) {
    static final String FACE = "ckan";
    /** The submission without api_key: job_type, data, metadata, result_url as sent. */
    static final String SUBMISSION = "submission";
    static final String API_KEY = "api_key";
    static final String KEY_HASH = "job_key_sha256";
    static final String STATUS = "status";
    static final String RESULT = "result";
    static final String ERROR = "error";
    static final String REQUESTED = "requested_us";
    static final String FINISHED = "finished_us";
    static final String APS_JOB_ID = "aps_job_id";
    /** "pending" while the result callback is owed, then "done" or "failed". */
    static final String CALLBACK = "callback";

    static final String PENDING = "pending";
    static final String COMPLETE = "complete";
    static final String FAILED = "error";

    static CkanJob of(Task t) {
        return t == null || !FACE.equals(t.face()) ? null : new CkanJob(t);
    }

    String id() {
        return task.id();
    }

    String status() {
        if (task.state() == TaskState.STOPPED) return FAILED;
        if (task.state() != TaskState.DONE) return PENDING;
        return task.extra(STATUS) instanceof String s ? s : FAILED;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> submission() {
        return task.extra(SUBMISSION) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
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
        return task.extra(API_KEY) instanceof String s ? s : null;
    }

    String keyHash() {
        return (String) task.extra(KEY_HASH);
    }

    Object result() {
        return task.extra(RESULT);
    }

    /**
     * The error object, or null; a crash the core recorded reads as its message, and a
     * stopped job (deleted while it ran) as cancelled.
     */
    Object error() {
        Object e = task.extra(ERROR);
        if (e != null) return e;
        if (task.state() == TaskState.STOPPED && task.extra(STATUS) == null) return Map.of("message", "Job was cancelled");
        if (task.state().finished() && task.error() != null && task.extra(STATUS) == null) {
            return Map.of("message", task.error());
        }
        return null;
    }

    long requestedMicros() {
        return task.extra(REQUESTED) instanceof Number n ? n.longValue() : task.created() * 1000;
    }

    /** When it finished, or null; a crash the core recorded has only its millisecond time. */
    Object finishedMicros() {
        Object f = task.extra(FINISHED);
        if (f == null && task.state().finished() && task.finished() != null) return task.finished() * 1000;
        return f;
    }

    String callbackState() {
        return (String) task.extra(CALLBACK);
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
        m.put("aps_job_id", task.extra(APS_JOB_ID));
        m.put("result_url", resultUrl());
        if (jobKey != null) m.put("job_key", jobKey);
        m.put("metadata", new java.util.TreeMap<>(metadata()));
        m.put("logs", logs);
        return m;
    }
}
