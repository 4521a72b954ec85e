package taskrunner.ui;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's own JSON, read-only: every route takes a core token as {@code X-Auth-Token}
 * (the one a Kazoo login gives; 401 without a valid one) and answers only what
 * {@link VisibleTasks} lets the token's principal see. Errors are {@code {"error": "..."}}.
 *
 * <ul>
 *   <li>{@code GET /ui/api/tasks?face=F&status=S&account=A&limit=N}: {@code {"tasks": [task...],
 *       "matched": M}}, newest first, at most N (1 to 1000, default 500) of the M that match;
 *       each filter optional: a face name, a {@link DashboardStatus} word, an account id.
 *       A task is {@link DashboardTask}'s JSON.</li>
 *   <li>{@code GET /ui/api/tasks/{id}}: {@code {"task": task}}; 404 for a task the caller may
 *       not see, as for one that does not exist.</li>
 *   <li>{@code GET /ui/api/summary}: {@code {"you": {"account": {"id","name"}, "user": name|null,
 *       "superduper": bool}, "counts": {status: n, ...every status}, "total": n,
 *       "queue_depth": n, "accounts": [{"id","name"}...]}}: counts over every visible task;
 *       the queue depth is how many of them wait to run (queued); the accounts are those of
 *       visible tasks and the caller's own, for the account filter.</li>
 *   <li>{@code DELETE /ui/api/token}: revokes the token it is sent with (sign out), 204.</li>
 * </ul>
 */
final class DashboardApi {
    static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 500;

    /** The envelope of every {@code /ui} path: {@code {"error": "..."}}. */
    static final ErrorEnvelope ERRORS = (req, status, message) -> json(status, Map.of("error", message));

    private final Identity identity;
    private final VisibleTasks visible;
    private final Set<String> faceNames;

    DashboardApi(Identity identity, VisibleTasks visible, Set<String> faceNames) {
        this.identity = identity;
        this.visible = visible;
        this.faceNames = faceNames;
    }

    void install(Router r) {
        r.route("GET", "/ui/api/tasks", ERRORS, this::list);
        r.route("GET", "/ui/api/tasks/{id}", ERRORS, this::one);
        r.route("GET", "/ui/api/summary", ERRORS, this::summary);
        r.route("DELETE", "/ui/api/token", ERRORS, this::revoke);
    }

    private Principal principal(Request req) {
        Principal p = identity.authenticate(req.header("X-Auth-Token"));
        if (p == null) throw new HttpError(ERRORS.error(req, 401, "sign in: a valid X-Auth-Token is needed"));
        return p;
    }

    private Response list(Request req) {
        Principal p = principal(req);
        String face = blankToNull(req.query("face"));
        if (face != null && !faceNames.contains(face)) return ERRORS.error(req, 400, "face must be one of " + faceNames);
        String word = blankToNull(req.query("status"));
        DashboardStatus status = word == null ? null : DashboardStatus.parse(word);
        if (word != null && status == null) return ERRORS.error(req, 400, "status must be one of " + words());
        String account = blankToNull(req.query("account"));
        int limit = limit(req);
        var out = new ArrayList<Map<String, Object>>();
        int matched = 0;
        for (DashboardTask t : visible.all(p)) {
            if (face != null && !face.equals(t.task().face())) continue;
            if (status != null && status != t.status()) continue;
            if (account != null && !account.equals(t.task().accountId())) continue;
            if (matched++ < limit) out.add(t.json());
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("tasks", out);
        m.put("matched", matched);
        return json(200, m);
    }

    private Response one(Request req) {
        DashboardTask t = visible.one(principal(req), req.param("id"));
        if (t == null) return ERRORS.error(req, 404, "no task " + req.param("id"));
        return json(200, Map.of("task", t.json()));
    }

    private Response summary(Request req) {
        Principal p = principal(req);
        var counts = new EnumMap<DashboardStatus, Integer>(DashboardStatus.class);
        for (DashboardStatus s : DashboardStatus.values()) counts.put(s, 0);
        var accounts = new LinkedHashMap<String, Map<String, Object>>();
        accounts.put(p.account().id(), DashboardTask.account(p.account()));
        List<DashboardTask> all = visible.all(p);
        for (DashboardTask t : all) {
            counts.merge(t.status(), 1, Integer::sum);
            if (t.account() != null) accounts.putIfAbsent(t.account().id(), DashboardTask.account(t.account()));
        }
        var countsJson = new LinkedHashMap<String, Object>();
        counts.forEach((s, n) -> countsJson.put(s.word(), n));
        var you = new LinkedHashMap<String, Object>();
        you.put("account", DashboardTask.account(p.account()));
        you.put("user", p.user() == null ? null : p.user().username());
        you.put("superduper", p.superduper());
        var m = new LinkedHashMap<String, Object>();
        m.put("you", you);
        m.put("counts", countsJson);
        m.put("total", all.size());
        m.put("queue_depth", counts.get(DashboardStatus.QUEUED));
        m.put("accounts", new ArrayList<>(accounts.values()));
        return json(200, m);
    }

    private Response revoke(Request req) throws IOException {
        Principal p = principal(req);
        identity.revoke(p.token());
        return Response.empty(204).header("Cache-Control", "no-store");
    }

    private static int limit(Request req) {
        String s = req.query("limit");
        if (s == null || s.isBlank()) return DEFAULT_LIMIT;
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException e) {
            // answered below, as any other bad limit
        }
        throw new HttpError(ERRORS.error(req, 400, "limit must be a whole number from 1 to " + MAX_LIMIT));
    }

    private static List<String> words() {
        var l = new ArrayList<String>();
        for (DashboardStatus s : DashboardStatus.values()) l.add(s.word());
        return l;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** JSON that no cache keeps and no browser sniffs as something else. */
    private static Response json(int status, Object value) {
        return Response.json(status, value).header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff");
    }
}
