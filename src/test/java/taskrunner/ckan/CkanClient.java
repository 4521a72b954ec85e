package taskrunner.ckan;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Talks to the CKAN face of a {@link ServerFixture} the way CKAN's clients do. */
final class CkanClient {
    final ServerFixture fx;

    CkanClient(ServerFixture fx) {
        this.fx = fx;
    }

    HttpResponse<String> post(String path, Object json, String... headers) throws Exception {
        var b = fx.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json instanceof String s ? s : JSON.std.asString(json)));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return fx.send(b);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        var b = fx.request(path).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return fx.send(b);
    }

    HttpResponse<String> delete(String path, String... headers) throws Exception {
        var b = fx.request(path).DELETE();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return fx.send(b);
    }

    /** Submits and returns the answer's JSON, failing unless it is a 200. */
    Map<String, Object> submit(String path, Object json) throws Exception {
        var r = post(path, json);
        if (r.statusCode() != 200) throw new AssertionError("submit answered " + r.statusCode() + ": " + r.body());
        return ServerFixture.json(r.body());
    }

    /** The job dict, read with its key. */
    Map<String, Object> job(String id, String key) throws Exception {
        var r = get("/job/" + id, "Authorization", key);
        if (r.statusCode() != 200) throw new AssertionError("GET job answered " + r.statusCode() + ": " + r.body());
        return ServerFixture.json(r.body());
    }

    /** Polls until the job is no longer pending, and returns it. */
    Map<String, Object> awaitDone(String id, String key) throws Exception {
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
        ServerFixture.await("job " + id + " to finish", Duration.ofSeconds(20), () -> {
            try {
                last.set(job(id, key));
                return !"pending".equals(last.get().get("status"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return last.get();
    }

    /** Logs in with the form and returns the session cookie ("session=..."). */
    String login() throws Exception {
        var r = fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + ServerFixture.ADMIN_PASSWORD)));
        if (r.statusCode() != 302) throw new AssertionError("login answered " + r.statusCode());
        String c = r.headers().firstValue("Set-Cookie").orElseThrow();
        return c.substring(0, c.indexOf(';'));
    }

    @SuppressWarnings("unchecked")
    static List<String> list(HttpResponse<String> r) throws IOException {
        return (List<String>) ServerFixture.json(r.body()).get("list");
    }
}
