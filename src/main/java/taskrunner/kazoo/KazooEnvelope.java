package taskrunner.kazoo;

import taskrunner.auth.Secrets;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Crossbar's response envelope (reference §2): {@code auth_token, data, [error, message,]
 * node, [page_size,] request_id, [revision,] status, timestamp, version}. {@code revision}
 * is the md5 of the data on success and absent on errors, as in Crossbar.
 *
 * <p>One per server: {@code node} names the server that answers (servers sharing a database
 * answer with different ones), the one its task starts record.
 */
final class KazooEnvelope {
    static final String VERSION = "4.3.0-taskrunner";
    /** The default Erlang-style node name (without {@code --node}), as a task's {@code node} shows it. */
    static final String NODE_NAME = "taskrunner@" + hostName();
    private final String nodeName;
    /** The envelope's {@code node}: as Crossbar's, the base64url md5 of the node name. */
    private final String node;

    /** @param nodeName the answering server's node name, as its task starts record it */
    KazooEnvelope(String nodeName) {
        this.nodeName = nodeName;
        this.node = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.HexFormat.of().parseHex(Secrets.md5(nodeName)));
    }

    String nodeName() {
        return nodeName;
    }

    /** The envelope's {@code node} field: the base64url md5 of {@link #nodeName}. */
    String node() {
        return node;
    }

    Response success(Request req, int status, Object data) {
        return success(req, status, data, null);
    }

    /** A success answer; {@code paging} (page_size, start_key, next_start_key) is merged in. */
    Response success(Request req, int status, Object data, Map<String, Object> paging) {
        var m = new LinkedHashMap<String, Object>();
        String token = token(req);
        if (token != null) m.put("auth_token", token);
        m.put("data", data);
        m.put("node", node);
        if (paging != null) m.putAll(paging);
        m.put("request_id", req.requestId());
        // Crossbar's revision is the md5 of the body on GET and "automatic" for writes
        boolean get = "GET".equals(req.method());
        m.put("revision", get ? revision(data) : "automatic");
        m.put("status", "success");
        m.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("version", VERSION);
        Response r = Response.json(status, m);
        if (get) r.header("ETag", "\"" + m.get("revision") + "\"");
        return r;
    }

    Response error(Request req, int status, String message, Object data) {
        var m = new LinkedHashMap<String, Object>();
        String token = req == null ? null : token(req);
        if (token != null) m.put("auth_token", token);
        m.put("data", data);
        m.put("error", String.valueOf(status));
        m.put("message", message);
        m.put("node", node);
        if (req != null) m.put("request_id", req.requestId());
        m.put("status", "error");
        m.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("version", VERSION);
        return Response.json(status, m);
    }

    /** 404 "bad identifier" with data [id]: an unknown task, category or action. */
    Response badIdentifier(Request req, String id) {
        return error(req, 404, "bad identifier", List.of(id));
    }

    /** 404 "bad_identifier" with data {cause, message[, reason]}: an action refused on a task. */
    Response badIdentifierAction(Request req, String taskId, String reason) {
        var d = new LinkedHashMap<String, Object>();
        d.put("cause", taskId);
        d.put("message", "bad identifier");
        if (reason != null) d.put("reason", reason);
        return error(req, 404, "bad_identifier", d);
    }

    /** 400 "validation error" with Crossbar's data: per refused field, {@code {code: {message, ...}}}. */
    Response validation(Request req, Map<String, ?> fields) {
        return error(req, 400, "validation error", fields);
    }

    /** 400 "validation error" for one field: {@code {field: {code: {"message": message}}}}. */
    Response validation(Request req, String field, String code, String message) {
        return validation(req, Map.of(field, Map.of(code, Map.of("message", message))));
    }

    /** The problem of a required field that is missing, for {@link #validation(Request, Map)}. */
    static Map<String, Object> required() {
        return Map.of("required", Map.of("message", "Field is required but missing"));
    }

    /** 400 "validation error" for a body that is not JSON: {@code {json: {invalid: {message, target}}}}. */
    Response invalidJson(Request req, String message) {
        var invalid = new LinkedHashMap<String, Object>();
        invalid.put("message", String.valueOf(message));
        invalid.put("target", "body");
        return validation(req, Map.of("json", Map.of("invalid", invalid)));
    }

    Response invalidRequest(Request req, Object data) {
        return error(req, 500, "invalid request", data == null ? Map.of("message", "invalid request") : data);
    }

    Response unauthorized(Request req) {
        return error(req, 401, "invalid_credentials", Map.of("message", "invalid credentials"));
    }

    Response forbidden(Request req) {
        return error(req, 403, "forbidden", Map.of("message", "forbidden"));
    }

    static String token(Request req) {
        String t = req.header("X-Auth-Token");
        if (t == null || t.isEmpty()) t = req.query("auth_token");
        return t == null || t.isEmpty() ? null : t;
    }

    private static String revision(Object data) {
        return Secrets.md5(taskrunner.Json.string(data));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
