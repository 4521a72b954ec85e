package taskrunner.ckan;

import taskrunner.core.FaceState;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CKAN face's part of a job's task. The raw job key is never here (only its SHA-256);
 * the raw {@code api_key} is kept only until the result callback is done with it.
 *
 * @param submission      the submission without api_key: job_type, data, metadata, result_url as sent
 * @param keys            the job's secrets
 * @param requestedMicros when it was submitted (null in a record older than that field)
 * @param apsJobId        the scheduler's id of an asynchronous job, else null
 * @param end             how its run ended as the face recorded it; null while it runs, and
 *                        when the core ended it on its own (crash, stop, unsafe rerun)
 * @param error           the error object: the job's own, or a failed callback's; null if none
 * @param callback        where its result callback stands; null when none is owed
 */
record CkanJobState(Map<String, Object> submission, Keys keys, Long requestedMicros, String apsJobId, End end,
                    Map<String, Object> error, Callback callback) implements FaceState {

    /** The secrets: the {@code api_key} as sent (until used) and the job key's SHA-256. */
    record Keys(String apiKey, String jobKeyHash) {}

    /**
     * The face's record of a run's end.
     *
     * @param status CKAN's word: {@link CkanJob#COMPLETE} or {@link CkanJob#FAILED}
     * @param result the job's data, or null
     */
    record End(String status, Object result, long finishedMicros) {}

    /** A result callback owed ({@code PENDING}), then delivered or given up. */
    enum Callback {
        PENDING, DONE, FAILED;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A submitted job: nothing ended, no callback owed yet. */
    static CkanJobState submitted(Map<String, Object> submission, Keys keys, long requestedMicros, String apsJobId) {
        return new CkanJobState(submission, keys, requestedMicros, apsJobId, null, null, null);
    }

    CkanJobState withEnd(End e, Map<String, Object> err) {
        return new CkanJobState(submission, keys, requestedMicros, apsJobId, e, err, callback);
    }

    CkanJobState withError(Map<String, Object> err) {
        return new CkanJobState(submission, keys, requestedMicros, apsJobId, end, err, callback);
    }

    CkanJobState withCallback(Callback c) {
        return new CkanJobState(submission, keys, requestedMicros, apsJobId, end, error, c);
    }

    /** The api_key erased: once no callback needs it. */
    CkanJobState withoutApiKey() {
        return new CkanJobState(submission, new Keys(null, keys.jobKeyHash()), requestedMicros, apsJobId, end, error,
                callback);
    }

    /** The journal keys as the earlier {@code Task.extras} named them, so older data directories load. */
    static final FaceState.Codec<CkanJobState> CODEC = new FaceState.Codec<>() {
        public Class<CkanJobState> type() {
            return CkanJobState.class;
        }

        public Map<String, Object> encode(CkanJobState s) {
            var m = new LinkedHashMap<String, Object>();
            if (s.submission != null) m.put("submission", s.submission);
            if (s.keys.apiKey() != null) m.put("api_key", s.keys.apiKey());
            if (s.keys.jobKeyHash() != null) m.put("job_key_sha256", s.keys.jobKeyHash());
            if (s.requestedMicros != null) m.put("requested_us", s.requestedMicros);
            if (s.apsJobId != null) m.put("aps_job_id", s.apsJobId);
            if (s.end != null) {
                m.put("status", s.end.status());
                if (s.end.result() != null) m.put("result", s.end.result());
                m.put("finished_us", s.end.finishedMicros());
            }
            if (s.error != null) m.put("error", s.error);
            if (s.callback != null) m.put("callback", s.callback.word());
            return m;
        }

        @SuppressWarnings("unchecked")
        public CkanJobState decode(Map<String, Object> m) {
            End end = m.get("status") instanceof String status
                    ? new End(status, m.get("result"), ((Number) m.get("finished_us")).longValue()) : null;
            return new CkanJobState((Map<String, Object>) m.get("submission"),
                    new Keys((String) m.get("api_key"), (String) m.get("job_key_sha256")),
                    m.get("requested_us") instanceof Number n ? n.longValue() : null, (String) m.get("aps_job_id"), end,
                    (Map<String, Object>) m.get("error"),
                    m.get("callback") instanceof String c ? Callback.valueOf(c.toUpperCase(Locale.ROOT)) : null);
        }
    };
}
