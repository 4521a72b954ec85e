package taskrunner.support;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CKAN's action API on 127.0.0.1, the part a DataPusher uses, as strict as CKAN where a push can
 * tell: {@code POST /api/3/action/{resource_show, resource_update, resource_patch,
 * datastore_search, datastore_delete, datastore_create, datapusher_hook}} with
 * {@code Content-Type: application/json}, anything else 404; {@code Authorization} must be the
 * site's token, raw (a {@code Bearer} prefix is refused, as CKAN does); answers in CKAN's
 * envelope ({@code help}, {@code success}, {@code result} or {@code error}) with its 403, 404 and
 * 409 shapes (ckan/views/api.py). Resources are dicts, each with at most one DataStore table of
 * fields (with their {@code info}) and rows; {@code datastore_create} checks its fields and
 * casts every cell as PostgreSQL would, and a failed call changes nothing (one transaction).
 * Uploaded files are served at {@code /dataset/<pkg>/resource/<id>/download/<name>} to the token.
 *
 * <p>Every call is recorded in order (refused ones too); the {@code datapusher_hook} callbacks
 * are kept apart, since they are the job server's, not the push's. Fault hooks answer a chosen
 * call (counted per action, refused ones too) with a chosen error, or hold it until the fake is
 * closed, whatever its key.
 */
public final class FakeCkan implements AutoCloseable {
    /** One call of the action API. */
    public record Call(String action, String authorization, Map<String, Object> body) {}

    /** One resource's DataStore table. */
    public static final class Table {
        public final List<Map<String, Object>> fields = new ArrayList<>();
        public final List<Map<String, Object>> rows = new ArrayList<>();
        /** Rows received, also when they are not kept. */
        public long total;
        /** {@code calculate_record_count} of each {@code datastore_create} call, in order. */
        public final List<Object> recordCounts = new ArrayList<>();
    }

    private static final Set<String> ACTIONS = Set.of("resource_show", "resource_update", "resource_patch",
            "datastore_search", "datastore_delete", "datastore_create", "datapusher_hook");
    private static final Set<String> TYPES = Set.of("text", "numeric", "int", "int4", "int8", "float8", "timestamp",
            "date", "time", "bool", "json");

    /** As CKAN's json.dumps: a null is written, not left out. */
    private static final JSON JSON_OUT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
    private static final java.util.regex.Pattern NUMERIC = java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private record Fault(int status, Map<String, Object> error, boolean hold) {}

    private final String token;
    private final HttpServer server;
    private final Map<String, Map<String, Object>> resources = new ConcurrentHashMap<>();
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Call> hooks = new CopyOnWriteArrayList<>();
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong busyNanos = new AtomicLong();
    private volatile boolean keepRows = true;

    public FakeCkan(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            long t0 = System.nanoTime();
            try (ex) {
                handle(ex);
            } catch (RuntimeException e) {
                send(ex, 500, Map.of("success", false, "error", Map.of("message", String.valueOf(e))));
            } finally {
                busyNanos.addAndGet(System.nanoTime() - t0);
            }
        });
        server.start();
    }

    /** The site's address, as {@code ckan.site_url}: no trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a resource with these keys (id, url, format, ...), and answers its stored dict. */
    public Map<String, Object> addResource(Map<String, Object> dict) {
        var r = new LinkedHashMap<String, Object>();
        r.put("package_id", "pkg");
        r.put("url_type", null);
        r.put("hash", "");
        r.put("datastore_active", false);
        r.putAll(dict);
        resources.put((String) r.get("id"), r);
        return r;
    }

    /** An uploaded file of resource {@code id}; returns the download URL CKAN would give it. */
    public String upload(String id, String name, byte[] content) {
        uploads.put(id, content);
        return url() + "/dataset/pkg/resource/" + id + "/download/" + name;
    }

    /** Gives resource {@code id} a table with these fields and rows, as an earlier push left it. */
    public void addTable(String id, List<Map<String, Object>> fields, List<Map<String, Object>> rows) {
        var t = new Table();
        t.fields.addAll(fields);
        t.rows.addAll(rows);
        t.total = rows.size();
        tables.put(id, t);
        resources.get(id).put("datastore_active", true);
    }

    public Map<String, Object> resource(String id) {
        return resources.get(id);
    }

    /** The table of resource {@code id}, or null. */
    public Table table(String id) {
        return tables.get(id);
    }

    /** Every action call but the hooks, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<String> actions() {
        return calls.stream().map(Call::action).toList();
    }

    /** The {@code datapusher_hook} callbacks received. */
    public List<Call> hooks() {
        return List.copyOf(hooks);
    }

    /** Paths of the uploaded files fetched, each with the Authorization it came with. */
    public List<String> downloads() {
        return List.copyOf(downloads);
    }

    /** The {@code nth} (from 1) call of {@code action} is answered {@code status} with {@code error}. */
    public void failOn(String action, int nth, int status, Map<String, Object> error) {
        faults.put(action + "#" + nth, new Fault(status, error, false));
    }

    /** The {@code nth} call of {@code action} gets no answer until the fake is closed. */
    public void holdOn(String action, int nth) {
        faults.put(action + "#" + nth, new Fault(0, null, true));
    }

    /** False: rows are counted and checked, not kept (a benchmark's million rows). */
    public void keepRows(boolean keep) {
        this.keepRows = keep;
    }

    /** Time spent inside the fake's handlers, summed over its threads. */
    public long busyNanos() {
        return busyNanos.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (path.startsWith("/dataset/") && path.contains("/download/") && ex.getRequestMethod().equals("GET")) {
            download(ex, path, auth);
            return;
        }
        String action = path.startsWith("/api/3/action/") ? path.substring("/api/3/action/".length()) : null;
        byte[] raw = ex.getRequestBody().readAllBytes();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (action == null || !ACTIONS.contains(action) || !ex.getRequestMethod().equals("POST") || type == null
                || !type.startsWith("application/json")) {
            send(ex, 404, envelope(action, error("Not Found Error", "Not found: the page you requested could not be found")));
            return;
        }
        Map<String, Object> body;
        try {
            @SuppressWarnings("unchecked")
            var m = (Map<String, Object>) JSON.std.anyFrom(new String(raw, StandardCharsets.UTF_8));
            body = m;
        } catch (IOException | ClassCastException e) {
            send(ex, 400, envelope(action, error("Bad request", "JSON Error: " + e.getMessage())));
            return;
        }
        var call = new Call(action, auth, body);
        (action.equals("datapusher_hook") ? hooks : calls).add(call);
        long n = counts.computeIfAbsent(action, k -> new AtomicLong()).incrementAndGet();
        Fault fault = faults.get(action + "#" + n); // before the key check: a fault is the site misbehaving
        if (fault == null && !token.equals(auth)) {
            send(ex, 403, envelope(action, error("Authorization Error", "Access denied: User not authorized to " + action)));
            return;
        }
        if (fault != null && fault.hold()) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (fault != null) {
            send(ex, fault.status(), envelope(action, fault.error()));
            return;
        }
        Answer a;
        synchronized (this) { // CKAN's database: one action at a time is enough for a fake
            a = act(action, body);
        }
        send(ex, a.status, a.status == 200 ? success(action, a.result) : envelope(action, a.problem));
    }

    private record Answer(int status, Object result, Map<String, Object> problem) {
        static Answer ok(Object result) {
            return new Answer(200, result, null);
        }

        static Answer notFound(String message) {
            return new Answer(404, null, FakeCkan.error("Not Found Error", "Not found: " + message));
        }

        static Answer invalid(Map<String, Object> problems) {
            var e = new LinkedHashMap<String, Object>();
            e.put("__type", "Validation Error");
            e.putAll(problems);
            return new Answer(409, null, e);
        }
    }

    private Answer act(String action, Map<String, Object> body) {
        switch (action) {
            case "datapusher_hook":
                return Answer.ok(null);
            case "resource_show": {
                var r = resources.get(String.valueOf(body.get("id")));
                return r == null ? Answer.notFound("Resource was not found.") : Answer.ok(r);
            }
            case "resource_update":
            case "resource_patch": {
                String id = String.valueOf(body.get("id"));
                var r = resources.get(id);
                if (r == null) return Answer.notFound("Resource was not found.");
                var n = new LinkedHashMap<String, Object>(action.equals("resource_patch") ? r : Map.of());
                n.putAll(body);
                resources.put(id, n);
                return Answer.ok(n);
            }
            case "datastore_search": {
                String id = String.valueOf(body.containsKey("resource_id") ? body.get("resource_id") : body.get("id"));
                Table t = tables.get(id);
                if (t == null) return Answer.notFound("Resource \"" + id + "\" was not found.");
                var fields = new ArrayList<Map<String, Object>>();
                fields.add(Map.of("id", "_id", "type", "int"));
                fields.addAll(t.fields);
                var result = new LinkedHashMap<String, Object>();
                result.put("include_total", true);
                result.put("resource_id", id);
                result.put("fields", fields);
                result.put("records", List.of());
                result.put("limit", body.getOrDefault("limit", 100));
                result.put("total", t.total);
                return Answer.ok(result);
            }
            case "datastore_delete": {
                String id = String.valueOf(body.containsKey("resource_id") ? body.get("resource_id") : body.get("id"));
                Answer refused = readOnly(id, body);
                if (refused != null) return refused;
                if (tables.remove(id) == null) return Answer.notFound("Resource \"" + id + "\" was not found.");
                resources.get(id).put("datastore_active", false);
                return Answer.ok(Map.of("resource_id", id));
            }
            case "datastore_create":
                return create(body);
            default:
                throw new IllegalStateException(action);
        }
    }

    /** CKAN's datastore_create: fields checked, every cell cast, all of the call or nothing. */
    private Answer create(Map<String, Object> body) {
        String id = String.valueOf(body.get("resource_id"));
        if (!resources.containsKey(id)) return Answer.notFound("Resource \"" + id + "\" was not found.");
        Answer refused = readOnly(id, body);
        if (refused != null) return refused;
        Table old = tables.get(id);
        var fields = new ArrayList<Map<String, Object>>(old == null ? List.of() : old.fields);
        var ids = new HashSet<String>();
        for (var f : fields) ids.add((String) f.get("id"));
        var given = new HashSet<String>();
        for (Object o : body.get("fields") instanceof List<?> l ? l : List.of()) {
            @SuppressWarnings("unchecked")
            var f = (Map<String, Object>) o;
            String fid = String.valueOf(f.get("id"));
            String ftype = String.valueOf(f.get("type"));
            if (fid.startsWith("_") || fid.contains("\"") || fid.isBlank()) {
                return Answer.invalid(Map.of("fields", List.of("\"" + fid + "\" is not a valid field name")));
            }
            if (!given.add(fid)) return Answer.invalid(Map.of("fields", List.of("Duplicate column: " + fid)));
            if (!TYPES.contains(ftype)) return Answer.invalid(Map.of("fields", List.of("\"" + ftype + "\" is not a valid field type")));
            if (ids.contains(fid)) {
                for (var e : fields) {
                    if (e.get("id").equals(fid) && !e.get("type").equals(ftype)) {
                        return Answer.invalid(Map.of("fields", List.of("Cannot change the type of field \"" + fid + "\"")));
                    }
                }
            } else {
                fields.add(f);
                ids.add(fid);
            }
        }
        var types = new LinkedHashMap<String, String>();
        for (var f : fields) types.put((String) f.get("id"), (String) f.get("type"));
        var rows = new ArrayList<Map<String, Object>>();
        List<?> records = body.get("records") instanceof List<?> l ? l : List.of();
        for (int i = 0; i < records.size(); i++) {
            @SuppressWarnings("unchecked")
            var rec = (Map<String, Object>) records.get(i);
            var row = new LinkedHashMap<String, Object>();
            for (var e : rec.entrySet()) {
                String type = types.get(e.getKey());
                if (type == null) {
                    return Answer.invalid(Map.of("records", List.of("row \"" + (i + 1) + "\" has extra keys \"" + e.getKey() + "\"")));
                }
                try {
                    cast(type, e.getValue());
                } catch (IllegalArgumentException bad) {
                    var problem = new LinkedHashMap<String, Object>();
                    problem.put("records", List.of(bad.getMessage()));
                    problem.put("records_row", i);
                    return Answer.invalid(problem);
                }
                row.put(e.getKey(), e.getValue()); // kept as sent: the cast only checks it
            }
            rows.add(row);
        }
        Table t = old != null ? old : new Table();
        t.fields.clear();
        t.fields.addAll(fields);
        if (keepRows) t.rows.addAll(rows);
        t.total += rows.size();
        t.recordCounts.add(body.get("calculate_record_count"));
        tables.put(id, t);
        resources.get(id).put("datastore_active", true);
        var result = new LinkedHashMap<String, Object>();
        result.put("resource_id", id);
        result.put("fields", fields);
        result.put("method", "insert");
        return Answer.ok(result);
    }

    /** Without {@code force}, only a resource of url_type "datastore" may be written (CKAN's read-only check). */
    private Answer readOnly(String id, Map<String, Object> body) {
        var r = resources.get(id);
        if (Boolean.TRUE.equals(body.get("force")) || r == null || "datastore".equals(r.get("url_type"))) return null;
        return Answer.invalid(Map.of("read-only", List.of("Cannot edit read-only resource. Either pass\"force=True\" or change"
                + " url_type to \"datastore\"")));
    }

    /** A cell as PostgreSQL casts it into a column of {@code type}; IllegalArgumentException with its message. */
    private static Object cast(String type, Object v) {
        if (v == null) return null;
        switch (type) {
            case "numeric", "int", "int4", "int8", "float8" -> {
                if (v instanceof Number n) return new BigDecimal(n.toString());
                String s = String.valueOf(v).strip();
                if (!NUMERIC.matcher(s).matches()) {
                    throw new IllegalArgumentException("invalid input syntax for type numeric: \"" + v + "\"");
                }
                return new BigDecimal(s);
            }
            case "timestamp" -> {
                String s = String.valueOf(v).strip();
                try {
                    return s.length() == 10 ? LocalDate.parse(s).atStartOfDay() : LocalDateTime.parse(s.replace(' ', 'T'));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("invalid input syntax for type timestamp: \"" + v + "\"");
                }
            }
            default -> {
                return v instanceof String s ? s : String.valueOf(v);
            }
        }
    }

    private void download(HttpExchange ex, String path, String auth) throws IOException {
        downloads.add(path + " Authorization=" + auth);
        String[] parts = path.split("/");
        byte[] file = parts.length > 4 ? uploads.get(parts[4]) : null;
        if (!token.equals(auth)) {
            send(ex, 403, envelope(null, error("Authorization Error", "Access denied")));
            return;
        }
        if (file == null) {
            send(ex, 404, envelope(null, error("Not Found Error", "Not found")));
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/csv");
        ex.sendResponseHeaders(200, file.length);
        ex.getResponseBody().write(file);
    }

    private static Map<String, Object> error(String type, String message) {
        var e = new LinkedHashMap<String, Object>();
        e.put("__type", type);
        e.put("message", message);
        return e;
    }

    private Map<String, Object> envelope(String action, Map<String, Object> error) {
        var m = new LinkedHashMap<String, Object>();
        m.put("help", url() + "/api/3/action/help_show?name=" + action);
        m.put("success", false);
        m.put("error", error);
        return m;
    }

    private Map<String, Object> success(String action, Object result) {
        var m = new LinkedHashMap<String, Object>();
        m.put("help", url() + "/api/3/action/help_show?name=" + action);
        m.put("success", true);
        m.put("result", result);
        return m;
    }

    private static void send(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
        byte[] out = JSON_OUT.asBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
    }
}
