package taskrunner.ckan;

import taskrunner.Config;
import taskrunner.ckan.CkanJobState.Callback;
import taskrunner.metrics.Metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Posts a finished job's dict (with its job key when this process still has it) to its
 * {@code result_url}, with the {@code api_key} as credential: {@code header:value} when it
 * holds exactly one colon, else {@code Authorization: <api_key>}. Success is status 200
 * exactly. Each attempt has a timeout; connection failures, timeouts, 429 and 5xx are
 * retried with doubling backoff; any other answer is final.
 *
 * <p>Invariants: every callback runs on its own virtual thread, so a slow receiver holds
 * neither a runner slot nor another job's callback; once it ends, the job's api_key is
 * erased and a failure is recorded as the error "Process completed but unable to post to
 * result_url" with the status unchanged (the body already carried the job's own outcome).
 *
 * <p>A failed callback is one log line (why it failed, never the api_key or the body); attempts
 * and failures are counted for {@code /metrics}.
 */
final class CkanCallbacks {
    private static final Logger LOG = Logger.getLogger(CkanCallbacks.class.getName());
    static final String FAILURE = "Process completed but unable to post to result_url";

    private final CkanJobs jobs;
    private final Duration timeout;
    private final int attempts;
    private final Duration backoff;
    private HttpClient client; // made at the first callback: building one loads the TLS trust store (~100 ms of a start)
    private final LongAdder attempted = new LongAdder();
    private final LongAdder failed = new LongAdder();

    /** Attempt timeout, attempts and first backoff from {@code config}'s {@code ckanCallback*} settings. */
    CkanCallbacks(CkanJobs jobs, Config config) {
        this.jobs = jobs;
        this.timeout = Duration.ofMillis(config.ckanCallbackTimeoutMs());
        this.attempts = config.ckanCallbackAttempts();
        this.backoff = Duration.ofMillis(config.ckanCallbackBackoffMs());
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                    .build();
        }
        return client;
    }

    /** Adds this face's callback counters to the server's metrics. */
    void countIn(Metrics metrics) {
        metrics.counter("taskrunner_ckan_callback_attempts_total", "CKAN result_url callback attempts (every try).",
                attempted::sum);
        metrics.counter("taskrunner_ckan_callback_failures_total",
                "CKAN result_url callbacks that ended without a 200, after all their attempts.", failed::sum);
    }

    /** Sends the job's owed callback on a new virtual thread; completes when it is recorded. */
    CompletableFuture<Void> send(String id) {
        var done = new CompletableFuture<Void>();
        Thread.ofVirtual().name("ckan-callback-" + id).start(() -> {
            try {
                deliver(id);
            } catch (Exception e) {
                LOG.warning("callback of job " + id + " could not be recorded: " + e);
            } finally {
                jobs.forgetKey(id);
                done.complete(null);
            }
        });
        return done;
    }

    private void deliver(String id) throws IOException, InterruptedException {
        CkanJob job = jobs.get(id);
        if (job == null || !job.owesCallback()) return;
        boolean ok = post(job);
        if (!ok) failed.increment();
        jobs.tasks().update(id, t -> {
            var n = CkanJob.of(t).state().withoutApiKey().withCallback(ok ? Callback.DONE : Callback.FAILED);
            return t.withFaceState(ok ? n : n.withError(CkanExecution.error(FAILURE)));
        });
        jobs.apiKeyErased(id); // erased in that same write: only the journal's older lines remain
    }

    private boolean post(CkanJob job) throws InterruptedException {
        HttpRequest request;
        try {
            var dict = jobs.dict(job, jobs.rawKey(job.id()), null);
            if (!dict.containsKey("job_key")) {
                // the key lived in memory only; after a restart the callback says so rather than omit it
                var withKey = new java.util.LinkedHashMap<String, Object>();
                for (var e : dict.entrySet()) {
                    if (e.getKey().equals("metadata")) withKey.put("job_key", null);
                    withKey.put(e.getKey(), e.getValue());
                }
                dict = withKey;
            }
            var b = HttpRequest.newBuilder(URI.create((String) job.resultUrl()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(PyJson.dumps(dict), StandardCharsets.UTF_8));
            String key = job.apiKey();
            if (key != null) {
                int colon = key.indexOf(':');
                if (colon >= 0 && colon == key.lastIndexOf(':')) b.header(key.substring(0, colon), key.substring(colon + 1));
                else b.header("Authorization", key);
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            // not e's message: it may quote the api_key's header name or value
            LOG.warning("callback of job " + job.id() + " failed: the result_url or the api_key header is not usable");
            return false;
        }
        Duration pause = backoff;
        for (int attempt = 1; ; attempt++) {
            String why;
            attempted.increment();
            try {
                int status = client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) return true;
                why = "status " + status;
                if (status != 429 && status < 500) {
                    LOG.warning("callback of job " + job.id() + " failed: refused with " + why);
                    return false;
                }
            } catch (IOException e) {
                why = e.toString();
            }
            if (attempt >= attempts) {
                LOG.warning("callback of job " + job.id() + " failed after " + attempt + " attempts: " + why);
                return false;
            }
            Thread.sleep(pause); // a pause between attempts, not a wait for an outcome
            pause = pause.multipliedBy(2);
        }
    }
}
