package taskrunner.support;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Speaks the Kazoo face over real HTTP for tests: login, then requests with the token. */
public final class KazooClient {
    public final Endpoint fx;
    public String token;
    public String accountId;

    public KazooClient(Endpoint fx) {
        this.fx = fx;
    }

    /** Logs in as the bootstrap admin of the root account. */
    public static KazooClient admin(Endpoint fx) throws Exception {
        var c = new KazooClient(fx);
        c.login("admin", ServerFixture.ADMIN_PASSWORD);
        return c;
    }

    public KazooClient login(String user, String password) throws Exception {
        var r = fx.send(fx.request("/v2/user_auth").PUT(body("{\"data\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}")));
        if (r.statusCode() != 201) throw new AssertionError("login failed: " + r.statusCode() + " " + r.body());
        var json = ServerFixture.json(r.body());
        token = (String) json.get("auth_token");
        accountId = (String) data(r).get("account_id");
        return this;
    }

    /** Creates a child account of this client's account and a user in it; returns a client logged in as that user. */
    public KazooClient childWithUser(String name, String username, String password) throws Exception {
        var r = send("PUT", "/v2/accounts/" + accountId, "application/json", "{\"data\":{\"name\":\"" + name + "\"}}");
        if (r.statusCode() != 201) throw new AssertionError("account create failed: " + r.body());
        String child = (String) data(r).get("id");
        r = send("PUT", "/v2/accounts/" + child + "/users", "application/json",
                "{\"data\":{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"priv_level\":\"admin\"}}");
        if (r.statusCode() != 201) throw new AssertionError("user create failed: " + r.body());
        return new KazooClient(fx).login(username, password);
    }

    public HttpResponse<String> send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        var b = fx.request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body(body));
        if (token != null) b.header("X-Auth-Token", token);
        if (contentType != null) b.header("Content-Type", contentType);
        return fx.send(b);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, null);
    }

    public HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        var b = fx.request(path).GET().header("Accept", accept);
        if (token != null) b.header("X-Auth-Token", token);
        return fx.send(b);
    }

    public String tasksPath() {
        return "/v2/accounts/" + accountId + "/tasks";
    }

    /** Creates a task from CSV text; returns its id (fails the test unless 201). */
    public String createCsv(String category, String action, String csv) throws Exception {
        var r = send("PUT", tasksPath() + "?category=" + category + "&action=" + action, "text/csv", csv);
        if (r.statusCode() != 201) throw new AssertionError("create failed: " + r.statusCode() + " " + r.body());
        return (String) readOnly(r).get("id");
    }

    public Map<String, Object> task(String id) throws Exception {
        var r = get(tasksPath() + "/" + id);
        if (r.statusCode() != 200) throw new AssertionError("get failed: " + r.statusCode() + " " + r.body());
        return readOnly(r);
    }

    public void start(String id) throws Exception {
        var r = send("PATCH", tasksPath() + "/" + id, null, null);
        if (r.statusCode() != 200) throw new AssertionError("start failed: " + r.statusCode() + " " + r.body());
    }

    /** Polls until the task's status is no longer pending/executing; returns its JSON. */
    public Map<String, Object> awaitFinished(String id, Duration timeout) throws Exception {
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
        ServerFixture.await("task " + id + " to finish", timeout, () -> {
            try {
                last.set(task(id));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Object s = last.get().get("status");
            return !"pending".equals(s) && !"executing".equals(s);
        });
        return last.get();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> data(HttpResponse<String> r) throws IOException {
        return (Map<String, Object>) ServerFixture.json(r.body()).get("data");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readOnly(HttpResponse<String> r) throws IOException {
        return (Map<String, Object>) data(r).get("_read_only");
    }

    private static HttpRequest.BodyPublisher body(String s) {
        return HttpRequest.BodyPublishers.ofString(s);
    }
}
