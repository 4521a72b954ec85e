package taskrunner.tasks.datapusher;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.TaskContext.StoppedException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One push's calls to its CKAN site's action API, as DataPusher makes them: {@code POST
 * <ckan_url>/api/3/action/<action>} with a JSON body, {@code Content-Type: application/json}
 * and {@code Authorization: <api_key>}, raw. A stop cancels the call in flight ({@link InFlight}).
 *
 * <p>An answer is read up to {@link #MAX_ANSWER} bytes: the site is one the operator listed,
 * but a push's memory must not depend on what it answers.
 */
final class CkanActions {
    /** How long CKAN may take to answer one call (a large {@code datastore_create} is slow). */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    static final int MAX_ANSWER = 4 << 20;
    /** As DataPusher's {@code json.dumps}: a null (a blank number, a resource's unset key) is sent, not left out. */
    private static final JSON JSON_OUT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    /** CKAN's answer to one call. */
    record Answer(String url, int status, String body) {
        /** The body as a JSON object, or null if it is not one. */
        Map<String, Object> json() {
            try {
                return JSON.std.anyFrom(body) instanceof Map<?, ?> m ? cast(m) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
    }

    private final HttpClient http;
    private final String base;
    private final String apiKey;
    private final InFlight inFlight;

    CkanActions(HttpClient http, String ckanUrl, String apiKey, InFlight inFlight) {
        this.http = http;
        this.base = CkanSites.base(ckanUrl);
        this.apiKey = apiKey;
        this.inFlight = inFlight;
    }

    String url(String action) {
        return base + "/api/3/action/" + action;
    }

    /** CKAN could not be reached, or its answer not read (said apart from a failure to read the file). */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A call on its way: sent, its answer not yet read. */
    record Sent(String action, String url, CompletableFuture<HttpResponse<InputStream>> answer) {}

    /**
     * Calls {@code action} with {@code body} (a JSON-compatible value, or its JSON bytes).
     *
     * @throws Unreachable     if CKAN could not be reached or its answer not read
     * @throws StoppedException if the job was asked to stop meanwhile
     */
    Answer post(String action, Object body) throws Unreachable, StoppedException {
        return answer(send(action, body));
    }

    /** Sends the call without waiting for it; {@link #answer} waits. */
    Sent send(String action, Object body) throws Unreachable {
        String url = url(action);
        byte[] json;
        try {
            json = body instanceof byte[] b ? b : JSON_OUT.asBytes(body);
        } catch (IOException e) {
            throw new Unreachable("the call could not be written: " + e.getMessage(), e);
        }
        var request = HttpRequest.newBuilder(URI.create(url))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        return new Sent(action, url, http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    /**
     * CKAN's answer to a call sent.
     *
     * @throws Unreachable     if CKAN could not be reached or its answer not read
     * @throws StoppedException if the job was asked to stop meanwhile
     */
    Answer answer(Sent sent) throws Unreachable, StoppedException {
        HttpResponse<InputStream> r;
        try {
            r = inFlight.await(sent.answer());
        } catch (IOException e) {
            throw new Unreachable(HttpFailure.describe(e), e);
        }
        try (InputStream in = r.body()) {
            inFlight.closeOnStop(in);
            byte[] bytes = in.readNBytes(MAX_ANSWER + 1);
            if (bytes.length > MAX_ANSWER) {
                throw new IOException("CKAN's answer to " + sent.action() + " is over " + MAX_ANSWER + " bytes");
            }
            return new Answer(sent.url(), r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            inFlight.checkStopped();
            throw new Unreachable(HttpFailure.describe(e), e);
        } finally {
            inFlight.release();
        }
    }

    /**
     * DataPusher's {@code check_response}: an answer outside {@code good} is a job error carrying
     * CKAN's own {@code error.message} when it sent one, else "{@code <who>} bad response. Status
     * code: ...".
     */
    static void check(Answer a, String who, int... good) throws JobError {
        for (int g : good) if (a.status() == g) return;
        throw refusal(a, who);
    }

    static JobError refusal(Answer a, String who) {
        String message = null;
        Map<String, Object> json = a.json();
        if (json != null && json.get("error") instanceof Map<?, ?> err && err.get("message") instanceof String m) message = m;
        if (message == null) {
            message = who + " bad response. Status code: " + a.status() + " " + reason(a.status()) + ". At: " + a.url() + ".";
        }
        return HttpFailure.of(message, a.status(), a.url(), a.body());
    }

    /** The {@code result} of a successful answer; an answer that has none is a job error. */
    static Map<String, Object> result(Answer a, String who) throws JobError {
        Map<String, Object> json = a.json();
        if (json != null && json.get("result") instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            var result = (Map<String, Object>) m;
            return result;
        }
        throw HttpFailure.of(who + " sent an answer without a result. At: " + a.url() + ".", a.status(), a.url(), a.body());
    }

    /** The reason phrase CKAN's server (Werkzeug) sends with a status, which DataPusher quotes. */
    private static String reason(int status) {
        return switch (status) {
            case 400 -> "BAD REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT FOUND";
            case 405 -> "METHOD NOT ALLOWED";
            case 409 -> "CONFLICT";
            case 413 -> "REQUEST ENTITY TOO LARGE";
            case 500 -> "INTERNAL SERVER ERROR";
            case 502 -> "BAD GATEWAY";
            case 503 -> "SERVICE UNAVAILABLE";
            case 504 -> "GATEWAY TIMEOUT";
            default -> "";
        };
    }
}
