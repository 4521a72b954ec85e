package taskrunner.tasks.datapusher;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.support.FakeCkan;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What CKAN's ckanext-datapusher does with the job server: submit a push as
 * {@code datapusher_submit} does (2.11), poll it as the resource's DataStore page does (with
 * the job key, parsing each log timestamp with {@code %Y-%m-%dT%H:%M:%S.%f}), and take the
 * {@code datapusher_hook} callback, here on the fake site.
 */
final class CkanSide {
    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.site-token";
    private static final DateTimeFormatter CKAN_LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    /** A submitted push: its id, its job key, the metadata and api_key sent. */
    record Push(String jobId, String jobKey, Map<String, Object> metadata, String apiKey) {}

    private final ServerFixture fx;
    private final FakeCkan site;

    CkanSide(ServerFixture fx, FakeCkan site) {
        this.fx = fx;
        this.site = site;
    }

    /** ckanext/datapusher/logic/action.py: datapusher_submit's metadata. */
    Map<String, Object> metadata(String resourceId) {
        var m = new LinkedHashMap<String, Object>();
        m.put("ignore_hash", false);
        m.put("ckan_url", site.url());
        m.put("resource_id", resourceId);
        m.put("set_url_type", false);
        m.put("task_created", "2026-11-22 10:30:22.217108");
        m.put("original_url", site.url() + "/dataset/pkg/resource/" + resourceId + "/download/data.csv");
        return m;
    }

    Push submit(String resourceId) throws Exception {
        return submit(metadata(resourceId), TOKEN);
    }

    Push submit(Map<String, Object> metadata, String apiKey) throws Exception {
        var body = new LinkedHashMap<String, Object>();
        body.put("api_key", apiKey);
        body.put("job_type", "push_to_datastore");
        body.put("result_url", site.url() + "/api/3/action/datapusher_hook");
        body.put("metadata", metadata);
        var r = fx.send(fx.request("/job").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(body))));
        assertEquals(200, r.statusCode(), r.body());
        var answer = ServerFixture.json(r.body());
        return new Push((String) answer.get("job_id"), (String) answer.get("job_key"), metadata, apiKey);
    }

    /**
     * Polls as CKAN does until the push has ended and its hook arrived (with the job's status, the
     * api_key and the metadata as sent); returns the job as CKAN's page shows it then.
     */
    Map<String, Object> ended(Push p) throws Exception {
        var job = new AtomicReference<Map<String, Object>>();
        ServerFixture.await("the push to end", Duration.ofSeconds(60), () -> {
            job.set(poll(p));
            return !"pending".equals(job.get().get("status"));
        });
        ServerFixture.await("the datapusher_hook", Duration.ofSeconds(20), () -> hook(p) != null);
        var hook = hook(p);
        assertEquals(p.apiKey(), hook.authorization());
        assertEquals(job.get().get("status"), hook.body().get("status"));
        assertEquals(p.metadata(), hook.body().get("metadata"), "the metadata comes back unchanged");
        return poll(p);
    }

    /** The push's {@code datapusher_hook} callback, or null while none came. */
    private FakeCkan.Call hook(Push p) {
        for (var h : site.hooks()) if (p.jobId().equals(h.body().get("job_id"))) return h;
        return null;
    }

    Map<String, Object> poll(Push p) {
        try {
            var r = fx.send(fx.request("/job/" + p.jobId()).header("Authorization", p.jobKey())
                    .header("Content-Type", "application/json").GET());
            assertEquals(200, r.statusCode(), r.body());
            var job = ServerFixture.json(r.body());
            for (Object o : (List<?>) job.get("logs")) {
                var log = (Map<?, ?>) o;
                LocalDateTime.parse((String) log.get("timestamp"), CKAN_LOG_TIME); // six digits, or CKAN's page fails
                assertNotNull(log.get("level"));
            }
            return job;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The messages of the job's logs, in order. */
    static List<String> messages(Map<String, Object> job) {
        return ((List<?>) job.get("logs")).stream().map(o -> (String) ((Map<?, ?>) o).get("message")).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(Map<String, Object> job) {
        assertEquals("error", job.get("status"), String.valueOf(job));
        assertTrue(job.get("error") instanceof Map, String.valueOf(job));
        return (Map<String, Object>) job.get("error");
    }
}
