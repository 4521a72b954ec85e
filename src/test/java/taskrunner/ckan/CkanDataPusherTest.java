package taskrunner.ckan;

import org.junit.jupiter.api.Test;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.support.ServerFixture;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Plays CKAN's DataPusher integration end to end: a DataPusher-like async job type, CKAN's
 * submit body, its poll with the job key, its log timestamp parsing, and its callback hook.
 * The transport only: the built-in {@code push_to_datastore} is tested against a fake CKAN
 * site in {@code taskrunner.tasks.datapusher}; a type registered under its name wins.
 */
class CkanDataPusherTest {
    /** Like datapusher.jobs.push_to_datastore: reads metadata and api_key from the submission. */
    static JobTaskType pushToDatastore() {
        return new JobTaskType("push_to_datastore", true, false, (data, ctx) -> {
            Map<String, Object> input = ctx.submission();
            if (!(input.get("metadata") instanceof Map<?, ?> metadata)) throw new JobError("Metadata missing");
            if (metadata.get("resource_id") == null) throw new JobError("No id provided.");
            if (metadata.get("ckan_url") == null) throw new JobError("No ckan_url provided.");
            if (input.get("api_key") == null) throw new JobError("No CKAN API key provided");
            ctx.log("INFO", "Fetching from: " + metadata.get("original_url"));
            ctx.log("DEBUG", "Determined headers and types: [{'id': 'a', 'type': 'text'}]");
            ctx.log("INFO", "Saving chunk 0 (last)");
            ctx.log("INFO", "Successfully pushed 3 entries to \"" + metadata.get("resource_id") + "\".");
            return null;
        });
    }

    @Test
    void ckanSubmitsPollsParsesLogsAndReceivesTheHook() throws Exception {
        try (var fx = new ServerFixture(b -> b.jobTask(pushToDatastore())); var ckan = new CallbackReceiver()) {
            String apiToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.site-token";
            // ckanext/datapusher/logic/action.py: datapusher_submit
            var metadata = new LinkedHashMap<String, Object>();
            metadata.put("ignore_hash", false);
            metadata.put("ckan_url", "http://127.0.0.1:5000");
            metadata.put("resource_id", "0f1c8a2e-res");
            metadata.put("set_url_type", false);
            metadata.put("task_created", "2026-11-22 10:30:22.217108");
            metadata.put("original_url", "http://127.0.0.1:5000/data.csv");
            var body = new LinkedHashMap<String, Object>();
            body.put("api_key", apiToken);
            body.put("job_type", "push_to_datastore");
            body.put("result_url", ckan.url("/api/3/action/datapusher_hook"));
            body.put("metadata", metadata);
            var submit = fx.send(HttpRequest.newBuilder(URI.create(fx.server.uri() + "job"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(com.fasterxml.jackson.jr.ob.JSON.std.asString(body))));
            assertTrue(submit.statusCode() / 100 == 2, submit.body());
            var answer = ServerFixture.json(submit.body());
            String jobId = (String) answer.get("job_id");
            String jobKey = (String) answer.get("job_key");
            String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}";
            assertTrue(jobId != null && jobId.matches(uuid), "job_id: " + jobId);
            assertTrue(jobKey != null && jobKey.matches(uuid), "job_key: " + jobKey);

            // datapusher_status: GET job/<id> with Authorization: <job_key>
            var status = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
            ServerFixture.await("the push to finish", Duration.ofSeconds(20), () -> {
                try {
                    var r = fx.send(HttpRequest.newBuilder(URI.create(fx.server.uri() + "job/" + jobId))
                            .header("Authorization", jobKey).header("Content-Type", "application/json").GET());
                    assertEquals(200, r.statusCode());
                    status.set(ServerFixture.json(r.body()));
                    return !"pending".equals(status.get().get("status"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals("complete", status.get().get("status"));
            var logs = (List<?>) status.get().get("logs");
            assertEquals(4, logs.size());
            var ckanFormat = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS"); // %Y-%m-%dT%H:%M:%S.%f
            for (Object o : logs) {
                var log = (Map<?, ?>) o;
                LocalDateTime.parse((String) log.get("timestamp"), ckanFormat);
                assertNotNull(log.get("level"));
                assertNotNull(log.get("message"));
            }
            assertEquals("Successfully pushed 3 entries to \"0f1c8a2e-res\".", ((Map<?, ?>) logs.get(3)).get("message"));

            // datapusher_hook: the job dict with status and metadata.resource_id, authorised by the token
            ServerFixture.await("the hook", Duration.ofSeconds(10), () -> ckan.at("/api/3/action/datapusher_hook").size() == 1);
            var hook = ckan.at("/api/3/action/datapusher_hook").get(0);
            assertEquals(apiToken, hook.header("Authorization"));
            var dict = ServerFixture.json(hook.body());
            assertEquals("complete", dict.get("status"));
            assertEquals("0f1c8a2e-res", ((Map<?, ?>) dict.get("metadata")).get("resource_id"));
            assertEquals(jobKey, dict.get("job_key"));
            assertEquals(Map.of(), dict.get("sent_data"), "CKAN sends no data");
            assertNull(dict.get("data"));
        }
    }
}
