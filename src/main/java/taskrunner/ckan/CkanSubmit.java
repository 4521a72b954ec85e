package taskrunner.ckan;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.core.JobTaskType;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /job} and {@code POST /job/<job_id>}: reads the JSON body as the pinned
 * original does (non-JSON content type or bad JSON: "Malformed json"; a falsy body: "Not
 * recognised as json..."), validates it ({@link CkanValidation}), creates and starts the
 * job, and answers: an async job at once as pending, a sync job once it and its callback
 * are done, a raw sync job with its streamed body. The job key is only in this answer.
 */
final class CkanSubmit {
    static final String MALFORMED = "Malformed json";
    static final String NOT_JSON = "Not recognised as json, make sure content type is application/json";

    private final CkanJobs jobs;

    CkanSubmit(CkanJobs jobs) {
        this.jobs = jobs;
    }

    @SuppressWarnings("unchecked")
    Response handle(Request req, String pathId) throws Exception {
        if (!isJson(req.mediaType())) {
            req.body().transferTo(java.io.OutputStream.nullOutputStream()); // still bounded by the route's limit
            return CkanReplies.error(409, MALFORMED);
        }
        byte[] bytes = req.bodyBytes();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return CkanReplies.error(409, MALFORMED);
        Object parsed;
        try {
            parsed = taskrunner.Json.STD.anyFrom(bytes);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return CkanReplies.error(409, MALFORMED);
        }
        if (!PyJson.truthy(parsed)) return CkanReplies.error(409, NOT_JSON);
        // the original crashes (500) on a non-empty array or string; a 409 says what is wrong
        if (!(parsed instanceof Map<?, ?>)) return CkanReplies.error(409, MALFORMED);
        var body = (Map<String, Object>) parsed;
        String problem = CkanValidation.check(body, jobs.types());
        if (problem != null) return CkanReplies.error(409, problem);

        JobTaskType type = jobs.types().get((String) body.get("job_type"));
        var submission = new LinkedHashMap<String, Object>();
        for (String k : new String[] {"job_type", "data", "metadata", "result_url"}) {
            if (body.containsKey(k)) submission.put(k, body.get(k));
        }
        String id = pathId != null ? pathId : UUID.randomUUID().toString();
        CkanJobs.Submitted s;
        try {
            s = jobs.submit(id, type, submission, PyJson.str(body.get("api_key")));
        } catch (CkanJobs.Duplicate d) {
            return CkanReplies.error(409, d.getMessage());
        }
        if (type.async()) return CkanReplies.dumps(200, jobs.dict(s.job(), s.jobKey(), null));
        Optional<JobTaskType.RawResult> raw;
        try {
            raw = s.done().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("job " + id + " did not end cleanly", e.getCause());
        }
        if (raw.isPresent()) {
            // the original streams a raw result as JSON whatever it is, and returns no job key
            return Response.stream(200, CkanReplies.JSON, -1, raw.get()::writeTo);
        }
        CkanJob done = jobs.get(id);
        if (done == null) return CkanReplies.error(409, "job_id " + id + " was deleted while it ran");
        return CkanReplies.dumps(200, jobs.dict(done, s.jobKey(), null));
    }

    /** application/json (any parameters) or application/*+json, as Werkzeug's is_json. */
    static boolean isJson(String mediaType) {
        return mediaType != null && (mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json")));
    }
}
