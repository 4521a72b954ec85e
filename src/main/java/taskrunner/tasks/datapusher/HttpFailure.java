package taskrunner.tasks.datapusher;

import taskrunner.core.JobTaskType.JobError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DataPusher's {@code HTTPError}: a job error whose details are {@code "HTTP status code"},
 * {@code "Requested URL"} and {@code "Response"} (the first 200 characters of the answer, then
 * {@code ...}). Every detail is text or a number: DataPusher put the raw bytes of a failed
 * download there, which its job store could not serialise, so the job stayed pending.
 * A failure with no answer has no status code and no response.
 */
final class HttpFailure {
    private static final int SHOWN = 200;

    private HttpFailure() {}

    static JobError of(String message, int status, String url, String response) {
        var details = new LinkedHashMap<String, Object>();
        details.put("HTTP status code", status);
        details.put("Requested URL", url);
        details.put("Response", shown(response));
        return new JobError(message, details);
    }

    /** A failure before any answer (refused, timed out, cut). */
    static JobError unanswered(String message, String url) {
        return new JobError(message, Map.of("Requested URL", url));
    }

    /** What an I/O failure says, for a job error: its message, or its kind when it has none. */
    static String describe(java.io.IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String shown(String response) {
        if (response == null) return "";
        return response.length() > SHOWN ? response.substring(0, SHOWN) + "..." : response;
    }
}
