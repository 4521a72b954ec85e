package taskrunner.ckan;

import taskrunner.http.Request;
import taskrunner.http.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;

/**
 * The read and delete routes of jobs: the list with paging and filters, one job (with
 * {@code limit} on logs), its raw data, delete one, purge by age. Per-job routes answer
 * 404 before 403, as the original does.
 */
final class CkanJobRoutes {
    static final int KEEP_JOBS_DAYS = 14;

    private final CkanJobs jobs;
    private final CkanAuth auth;
    private final boolean listPublic;

    /** @param listPublic whether {@code GET /job} is open to anyone ({@link taskrunner.Config#ckanJobListPublic()}) */
    CkanJobRoutes(CkanJobs jobs, CkanAuth auth, boolean listPublic) {
        this.jobs = jobs;
        this.auth = auth;
        this.listPublic = listPublic;
    }

    /**
     * {@code GET /job}: {@code _limit}, {@code _offset}, {@code _status}, metadata filters. No auth
     * as in the original, unless the list is not public: then the admin session only, 403 for others.
     */
    Response list(Request req) {
        if (!listPublic && auth.session(req) == null) return CkanReplies.error(403, "not authorized");
        long limit;
        long offset;
        try {
            limit = req.query("_limit") == null ? 100 : pyInt(req.query("_limit"));
            offset = req.query("_offset") == null ? 0 : pyInt(req.query("_offset"));
        } catch (NumberFormatException e) {
            return CkanReplies.error(409, e.getMessage());
        }
        String status = req.query("_status");
        var filters = new java.util.LinkedHashMap<String, String>();
        for (var e : req.queryMap().entrySet()) {
            if (!e.getKey().equals("_limit") && !e.getKey().equals("_offset") && !e.getKey().equals("_status")) {
                filters.put(e.getKey(), e.getValue().get(0));
            }
        }
        var out = new ArrayList<String>();
        long skipped = 0;
        for (CkanJob j : jobs.all()) {
            if (limit >= 0 && out.size() >= limit) break;
            if (status != null && !status.equals(j.status())) continue;
            if (!matches(j.metadata(), filters)) continue;
            if (skipped++ < offset) continue;
            out.add("/job/" + encodeSegment(j.id()));
        }
        return CkanReplies.jsonify(Map.of("list", out));
    }

    /** Every filter key is in the metadata with that text (non-strings as their JSON text). */
    static boolean matches(Map<String, Object> metadata, Map<String, String> filters) {
        for (var f : filters.entrySet()) {
            if (!metadata.containsKey(f.getKey())) return false;
            Object v = metadata.get(f.getKey());
            String text = v instanceof String s ? s : PyJson.dumps(v);
            if (!text.equals(f.getValue())) return false;
        }
        return true;
    }

    /** {@code GET /job/<id>}. */
    Response get(Request req) {
        CkanJob job = jobs.get(req.param("id"));
        if (job == null) return CkanReplies.error(404, "job_id not found");
        if (!auth.mayAccess(req, job)) return CkanReplies.error(403, "not authorized");
        Integer limit = null;
        if (req.query("limit") != null) {
            try {
                limit = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, pyInt(req.query("limit"))));
            } catch (NumberFormatException e) {
                limit = null; // as the original: a limit that is not a number means all logs
            }
        }
        return CkanReplies.dumps(200, jobs.dict(job, null, limit));
    }

    /** {@code GET /job/<id>/data}: the result as the body, typed by metadata {@code mimetype}. */
    Response data(Request req) {
        CkanJob job = jobs.get(req.param("id"));
        if (job == null) return CkanReplies.error(404, "job_id not found");
        if (!auth.mayAccess(req, job)) return CkanReplies.error(403, "not authorized");
        if (PyJson.truthy(job.error())) return CkanReplies.error(409, job.error());
        Object data = job.result();
        Object mime = job.metadata().get("mimetype");
        String type;
        if (mime instanceof String m && !m.isEmpty()) {
            type = m.toLowerCase(Locale.ROOT).startsWith("text/") && !m.contains("charset") ? m + "; charset=utf-8" : m;
        } else {
            type = data == null || data instanceof String ? CkanReplies.HTML : CkanReplies.JSON;
        }
        if (data == null) return Response.untrusted(Response.bytes(200, type, new byte[0]));
        // a JSON result is served as its JSON text (the original concatenates dict keys)
        String body = data instanceof String s ? s : PyJson.dumps(data);
        return Response.untrusted(Response.bytes(200, type, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code DELETE /job/<id>}: stops it if it runs, then deletes it with its logs. */
    Response delete(Request req) throws Exception {
        CkanJob job = jobs.get(req.param("id"));
        if (job == null) return CkanReplies.error(404, "job_id not found");
        if (!auth.mayAccess(req, job)) return CkanReplies.error(403, "not authorized");
        try {
            jobs.delete(job.id());
        } catch (taskrunner.core.TaskService.TaskActive e) {
            return CkanReplies.error(409, "job " + job.id() + " is still running and did not stop");
        }
        return CkanReplies.success();
    }

    /** {@code DELETE /job?days=N}: admin session only; jobs finished more than N days ago. */
    Response purge(Request req) throws Exception {
        if (auth.session(req) == null) return CkanReplies.error(403, "not authorized");
        long days;
        try {
            days = req.query("days") == null ? KEEP_JOBS_DAYS : pyInt(req.query("days"));
        } catch (NumberFormatException e) {
            return CkanReplies.error(409, e.getMessage());
        }
        long cutoff = CkanTime.nowMicros(jobs.tasks().clock()) - days * 86_400_000_000L;
        jobs.purge(cutoff);
        return CkanReplies.success();
    }

    private static final java.util.regex.Pattern PY_INT = java.util.regex.Pattern.compile("[+-]?\\d+(_\\d+)*");

    /** Python's {@code int(s)} (surrounding blanks, a sign, underscores between digits), with its error message. */
    static long pyInt(String s) {
        String t = s.strip();
        if (PY_INT.matcher(t).matches()) {
            try {
                return Long.parseLong(t.replace("_", "").replace("+", ""));
            } catch (NumberFormatException tooBig) {
                // falls through to Python's message; no sane limit is that large
            }
        }
        throw new NumberFormatException("invalid literal for int() with base 10: " + pyRepr(s));
    }

    private static String pyRepr(String s) {
        return s.contains("'") && !s.contains("\"") ? "\"" + s + "\"" : "'" + s.replace("'", "\\'") + "'";
    }

    /** Percent-encodes a path segment as Werkzeug's url_for does. */
    static String encodeSegment(String s) {
        var sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
