package taskrunner.support;

import com.fasterxml.jackson.jr.ob.JSON;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tasks of each face, run over real HTTP as their clients do, for tests of what every face
 * shares (metrics, log lines, retention): a Kazoo row task, a CKAN job, an EntryScape file
 * job. Each method returns once the task has the state it names. Everything as the root
 * admin (password {@link ServerFixture#ADMIN_PASSWORD}).
 */
public final class FaceTasks {
    private final Endpoint fx;
    private final java.net.URI base;
    public final KazooClient kazoo;
    /** The api_key of CKAN submissions that give none. */
    public static final String CKAN_API_KEY = "face-tasks-ckan-api-key";

    public FaceTasks(ServerFixture fx) throws Exception {
        this(fx, fx.server.uri());
    }

    /** Over any endpoint (several servers in turn, say), whose EntryStore addresses start with {@code base}. */
    public FaceTasks(Endpoint fx, java.net.URI base) throws Exception {
        this.fx = fx;
        this.base = base;
        this.kazoo = KazooClient.admin(fx);
    }

    /** A CSV with a header {@code name} and {@code rows} rows of 12 bytes each (more than 4 KiB makes a blob file). */
    public static String csv(int rows) {
        var sb = new StringBuilder("name\n");
        for (int i = 0; i < rows; i++) sb.append(String.format("row-%07d\n", i));
        return sb.toString();
    }

    /** A Kazoo {@code examples/echo} task over {@code csv}, created and not started; its id. */
    public String kazooPending(String csv) throws Exception {
        return kazoo.createCsv("examples", "echo", csv);
    }

    /** A Kazoo {@code examples/echo} task over {@code csv}, run to its end; its id. */
    public String kazooDone(String csv) throws Exception {
        String id = kazooPending(csv);
        kazoo.start(id);
        kazoo.awaitFinished(id, Duration.ofSeconds(30));
        return id;
    }

    /** A Kazoo {@code examples/sleep} task of {@code rows} rows of {@code ms} each, started and running; its id. */
    public String kazooRunning(int rows, int ms) throws Exception {
        var sb = new StringBuilder("ms\n");
        for (int i = 0; i < rows; i++) sb.append(ms).append('\n');
        String id = kazoo.createCsv("examples", "sleep", sb.toString());
        kazoo.start(id);
        ServerFixture.await("task " + id + " to execute", Duration.ofSeconds(10), () -> {
            try {
                return "executing".equals(kazoo.task(id).get("status"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return id;
    }

    /**
     * A CKAN {@code echo} job (synchronous: ended when answered) with id {@code id} and these
     * extra fields of the submission ({@code result_url}; an {@code api_key}, which CKAN
     * requires, else {@link #CKAN_API_KEY}); its answer, with {@code job_key}.
     */
    public Map<String, Object> ckanEcho(String id, String data, Map<String, Object> extra) throws Exception {
        var body = new java.util.LinkedHashMap<String, Object>(extra);
        body.putIfAbsent("api_key", CKAN_API_KEY);
        body.put("job_type", "echo");
        body.put("data", data);
        var r = fx.send(fx.request("/job/" + id).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(body))));
        if (r.statusCode() != 200) throw new AssertionError("CKAN submit answered " + r.statusCode() + ": " + r.body());
        return ServerFixture.json(r.body());
    }

    /** The CKAN job dict, read with its job key. */
    public Map<String, Object> ckanJob(String id, String jobKey) throws Exception {
        var r = fx.send(fx.request("/job/" + id).header("Authorization", jobKey).GET());
        if (r.statusCode() != 200) throw new AssertionError("GET /job/" + id + " answered " + r.statusCode() + ": " + r.body());
        return ServerFixture.json(r.body());
    }

    /**
     * An EntryScape addFile job of {@code csv} on a new distribution in a new context
     * {@code ctx}, run to Success; its job document (with {@code id} and {@code results}).
     */
    public Map<String, Object> entryscapeDone(String ctx, String csv) throws Exception {
        String base = this.base.toString();
        expect(201, es("POST", "/store/_contexts?id=" + ctx + "&graphtype=context", "application/json", new byte[0]));
        var meta = Map.of("metadata", Map.of(base + "store/" + ctx + "/resource/_newId",
                Map.of("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                        List.of(Map.of("type", "uri", "value", "http://www.w3.org/ns/dcat#Distribution")))));
        expect(201, es("POST", "/store/" + ctx + "?id=dist&informationresource=false", "application/json",
                JSON.std.asBytes(meta)));
        String dist = base + "store/" + ctx + "/resource/dist";
        String boundary = "----facetasks" + System.nanoTime();
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        var r = expect(200, es("POST", "/taskrunner/v1/distribution/addFile?resourceURI="
                + URLEncoder.encode(dist, StandardCharsets.UTF_8), "multipart/form-data; boundary=" + boundary, body));
        String id = (String) ServerFixture.json(r.body()).get("jobId");
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
        ServerFixture.await("EntryScape job " + id + " to end", Duration.ofSeconds(30), () -> {
            try {
                last.set(ServerFixture.json(fx.send(fx.request("/taskrunner/v1/job/" + id).GET()).body()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return "Success".equals(last.get().get("status")) || "Failed".equals(last.get().get("status"));
        });
        if (!"Success".equals(last.get().get("status"))) throw new AssertionError("EntryScape job failed: " + last.get());
        return last.get();
    }

    /** An EntryScape request with the admin's token as EntryStore's auth_token cookie. */
    private HttpResponse<String> es(String method, String path, String contentType, byte[] body) throws Exception {
        return fx.send(fx.request(path).header("Content-Type", contentType).header("Cookie", "auth_token=" + kazoo.token)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> r) {
        if (r.statusCode() != status) {
            throw new AssertionError(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }
}
