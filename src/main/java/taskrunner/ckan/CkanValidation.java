package taskrunner.ckan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a decoded submission in the original's order; the first failure wins and is
 * answered 409 with exactly its message. (The duplicate id, the last check, is found when
 * the job is created.)
 */
final class CkanValidation {
    static final Set<String> KEYS = Set.of("job_type", "data", "metadata", "result_url", "api_key");

    private CkanValidation() {}

    /** The 409 message, or null if the submission is acceptable. */
    static String check(Map<String, Object> body, CkanJobTypes types) {
        List<String> extra = new ArrayList<>();
        for (String k : body.keySet()) if (!KEYS.contains(k)) extra.add(k);
        if (!extra.isEmpty()) {
            extra.sort(null); // Python's set order is unspecified; sorted is at least stable
            return "Too many arguments. Extra keys are " + String.join(", ", extra);
        }
        Object url = body.get("result_url");
        if (PyJson.truthy(url) && !(url instanceof String s && s.startsWith("http"))) {
            return "result_url has to start with http";
        }
        Object type = body.get("job_type");
        if (!PyJson.truthy(type)) return "Please specify a job type";
        if (!(type instanceof String name) || types.get(name) == null) {
            return "Job type " + PyJson.str(type) + " not available. Available job types are "
                    + String.join(", ", types.sortedNames());
        }
        if (!PyJson.truthy(body.get("api_key"))) return "Please provide your API key.";
        if (body.containsKey("metadata") && !(body.get("metadata") instanceof Map<?, ?>)) {
            return "metadata has to be a json object";
        }
        return null;
    }
}
