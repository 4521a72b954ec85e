package taskrunner.ckan;

import taskrunner.Face;
import taskrunner.Services;
import taskrunner.core.FaceState;
import taskrunner.core.Task;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CKAN Service Provider face: {@code /}, {@code /status}, {@code /login},
 * {@code /logout}, {@code /user} and {@code /job...}, and the 404 of every path no other
 * face claims. Router-decided errors come out as the original's Werkzeug HTML pages,
 * except a full queue (503), which is JSON {@code {"error": ...}} so CKAN can show it.
 *
 * <p>Threading: handlers run concurrently on request threads; the face keeps no state of
 * its own beyond what {@link CkanJobs} documents.
 */
public final class CkanFace implements Face {
    static final String HELP = "\n        Get help at:\n        http://ckan-service-provider.readthedocs.org/.";

    private volatile String generatedSecretKey;

    @Override
    public List<Kind<?>> kinds() {
        return List.of(CkanLog.KIND, CkanSecretKey.KIND);
    }

    @Override
    public FaceState.Codec<?> stateCodec() {
        return CkanJobState.CODEC;
    }

    /** pending, complete or error; a job's error is in its own state (a message, or the job's error object). */
    @Override
    public Status status(Task t) {
        CkanJob job = CkanJob.of(t);
        Object error = job.error();
        String text = error == null ? null
                : error instanceof Map<?, ?> m && m.get("message") instanceof String s ? s
                : error instanceof String s ? s : PyJson.dumps(error);
        return new Status(job.status(), text);
    }

    @Override
    public TaskHandling install(Router router, Services services) throws Exception {
        var tasks = services.tasks();
        var secret = CkanSecretKey.load(services.config().ckanSecretKey(), services.store(), System.out);
        generatedSecretKey = secret.generated();
        var auth = new CkanAuth(services.identity(), secret);
        var types = new CkanJobTypes(services.registry());
        long limitS = services.config().maxJobRunTimeS();
        var scrubDelay = java.time.Duration.ofSeconds(services.config().erasedSecretCompactionS());
        var jobs = new CkanJobs(tasks, services.lifecycle(), types, new CkanLogs(services.store(), tasks.clock()),
                limitS == 0 ? null : java.time.Duration.ofSeconds(limitS), () -> services.store().compactWithin(scrubDelay));
        jobs.callbacks(new CkanCallbacks(jobs, services.config()));
        jobs.callbacks().countIn(services.metrics());
        var submit = new CkanSubmit(jobs);
        var jobRoutes = new CkanJobRoutes(jobs, auth, services.config().ckanJobListPublic());
        var session = new CkanSessionRoutes(services.identity(), auth);

        // per path in Flask's order, so a 405's Allow header lists the methods as the original does
        get(router, "/", req -> CkanReplies.jsonify(Map.of("help", HELP)));
        options(router, "/", "GET, HEAD, OPTIONS");
        get(router, "/status", req -> status(jobs));
        options(router, "/status", "GET, HEAD, OPTIONS");
        router.route("POST", "/login", this, strict(session::login));
        get(router, "/login", session::login);
        options(router, "/login", "POST, GET, HEAD, OPTIONS");
        get(router, "/logout", session::logout);
        options(router, "/logout", "GET, HEAD, OPTIONS");
        get(router, "/user", session::user);
        options(router, "/user", "GET, HEAD, OPTIONS");
        router.route("POST", "/job", this, strict(req -> submit.handle(req, null)));
        get(router, "/job", jobRoutes::list);
        options(router, "/job", "POST, GET, HEAD, OPTIONS, DELETE");
        router.route("DELETE", "/job", this, strict(jobRoutes::purge));
        router.route("POST", "/job/{id}", this, strict(req -> submit.handle(req, req.param("id"))));
        get(router, "/job/{id}", jobRoutes::get);
        options(router, "/job/{id}", "POST, GET, HEAD, OPTIONS, DELETE");
        router.route("DELETE", "/job/{id}", this, strict(jobRoutes::delete));
        get(router, "/job/{id}/data", jobRoutes::data);
        options(router, "/job/{id}/data", "GET, HEAD, OPTIONS");

        return new TaskHandling(jobs.execution(), jobs::recover);
    }

    @Override
    public String name() {
        return CkanJob.FACE;
    }

    /** The original serves from the root: every path no other face claims is answered here. */
    @Override
    public List<String> prefixes() {
        return List.of("/");
    }

    /** The secure key this start generated (already printed once), or null. */
    public String generatedSecretKey() {
        return generatedSecretKey;
    }

    @Override
    public Response error(Request req, int status, String message) {
        if (status == 503 || status == 507) return CkanReplies.error(status, message);
        return CkanReplies.framework(status);
    }

    private Response status(CkanJobs jobs) {
        var stats = new LinkedHashMap<String, Object>();
        long pending = 0, complete = 0, error = 0;
        for (CkanJob j : jobs.all()) {
            switch (j.status()) {
                case CkanJob.PENDING -> pending++;
                case CkanJob.COMPLETE -> complete++;
                default -> error++;
            }
        }
        stats.put("complete", complete);
        stats.put("error", error);
        stats.put("pending", pending);
        var m = new LinkedHashMap<String, Object>();
        m.put("job_types", jobs.types().sortedNames());
        m.put("name", "taskrunner");
        m.put("stats", stats);
        m.put("version", 0.1);
        return CkanReplies.jsonify(m);
    }

    private void options(Router router, String pattern, String allow) {
        router.route("OPTIONS", pattern, this, strict(req -> Response.empty(200).header("Allow", allow)));
    }

    private void get(Router router, String pattern, Router.Handler h) {
        router.route("GET", pattern, this, strict(h));
        router.route("HEAD", pattern, this, strict(h));
    }

    /** Like the original's routes: a trailing slash or an empty segment is a 404. */
    private static Router.Handler strict(Router.Handler h) {
        return req -> {
            String p = req.path();
            if ((p.length() > 1 && p.endsWith("/")) || p.contains("//")) return CkanReplies.notFound();
            return h.handle(req);
        };
    }
}
