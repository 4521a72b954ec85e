package taskrunner.entryscape.jobs;

import taskrunner.auth.Principal;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.core.Lifecycle;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.Upload;
import taskrunner.entryscape.Uploads;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.rowstore.RowStore;
import taskrunner.entryscape.Rdf;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.util.LinkedHashMap;

/**
 * The Taskrunner API: {@code POST /taskrunner/v1/distribution/addFile|replaceFile} with the
 * {@code auth_token} cookie and a multipart {@code file}; {@code GET /taskrunner/v1/job/{id}}
 * without a cookie (job ids are 128 random bits, as unguessable as a token).
 *
 * <p>Everything checkable is checked before the job exists (rights, target, the file part,
 * CSV for a distribution with an API), so a refused request leaves nothing behind; the
 * upload is a durable blob before the job is journaled, so a restart can run it again.
 */
public final class JobRoutes {
    private final TaskService tasks;
    private final Lifecycle lifecycle;
    private final EntryStore es;
    private final RowStore rows;
    private final EsAuth auth;
    private final Uploads uploads;
    private final FileJob job;

    public JobRoutes(TaskService tasks, Lifecycle lifecycle, EntryStore es, RowStore rows, EsAuth auth, Uploads uploads,
                     FileJob job) {
        this.tasks = tasks;
        this.lifecycle = lifecycle;
        this.es = es;
        this.rows = rows;
        this.auth = auth;
        this.uploads = uploads;
        this.job = job;
    }

    public void install(Router r) {
        var f = EsFace.INSTANCE;
        long limit = uploads.maxBytes() + (1 << 20);
        r.route("POST", "/taskrunner/v1/distribution/addFile", f, limit, req -> submit(req, FileJob.ADD));
        r.route("POST", "/taskrunner/v1/distribution/replaceFile", f, limit, req -> submit(req, FileJob.REPLACE));
        r.route("GET", "/taskrunner/v1/job/{id}", f, req -> {
            Task t = tasks.get(req.param("id"));
            if (t == null || !FileJob.FACE.equals(t.face())) throw EsFace.fail(404, "No job with id " + req.param("id"));
            return Response.json(200, JobView.of(t));
        });
    }

    private Response submit(Request req, String kind) throws Exception {
        Principal p = auth.required(req);
        String uri = req.query("resourceURI");
        if (uri == null || uri.isBlank()) throw EsFace.fail(400, "The resourceURI parameter is required");
        Entry target = es.entryOf(uri);
        if (target == null) {
            throw EsFace.fail(404, es.parseResourceUri(uri) == null
                    ? "resourceURI is not a resource of this EntryStore (expected " + es.storeUri() + "<context>/resource/<id>): " + uri
                    : "No entry has the resource URI " + uri);
        }
        Context c = es.context(target.context());
        if (!es.mayWrite(p, c)) throw EsFace.fail(403, "Not authorized to change " + uri);
        Entry dist;
        Entry file = null;
        if (kind.equals(FileJob.ADD)) {
            if (!es.isDistribution(target)) throw EsFace.fail(400, uri + " is not a distribution (rdf:type dcat:Distribution)");
            if (es.apiDistributionOf(target) == null && isApi(target)) {
                throw EsFace.fail(400, uri + " is an API distribution; add files to the distribution it was made from");
            }
            dist = target;
        } else {
            if (!target.isLocal() || !target.infoResource() || !target.graphType().equals("none")) {
                throw EsFace.fail(400, uri + " is not a file (a local entry holding bytes)");
            }
            file = target;
            dist = es.distributionOfFile(file);
        }
        Entry api = dist == null ? null : es.apiDistributionOf(dist);
        if (api != null) {
            var ds = rows.byUrl(es.values(api, Rdf.ACCESS_URL).get(0));
            if (ds == null) {
                throw EsFace.fail(409, "The API distribution " + es.resourceUri(api) + " points to a dataset that does not exist");
            }
            if (!es.mayWrite(p, api) || !rows.mayWrite(p, ds)) {
                throw EsFace.fail(403, "Not authorized to change the API distribution " + es.resourceUri(api) + " or its dataset");
            }
        }
        Upload u = uploads.receive(req, "file", true);
        if (api != null && !Uploads.looksLikeCsv(u)) {
            es.blobs().delete(u.blob());
            throw EsFace.fail(400, "The distribution has an API, so the file must be CSV (text/csv or a .csv name); got "
                    + u.mimetype() + (u.filename() == null ? "" : " " + u.filename()));
        }
        String id = TaskService.newId(16);
        String fileId = file != null ? file.id() : TaskService.newId(8);
        String fileUri = es.localResourceUri(target.context(), fileId);
        var state = FileJobState.submitted(
                new FileJobState.Target(uri, file == null ? fileUri : null, dist == null ? null : dist.key(),
                        Entry.key(target.context(), fileId), fileUri),
                new FileJobState.Uploaded(u.blob(), u.mimetype(), u.size(), u.sha256()),
                p.user() == null ? null : p.user().id());
        Task t;
        try {
            t = lifecycle.enqueue(Task.draft(id, FileJob.FACE, kind, p.account().id(), p.account().id(), tasks.now())
                    .withFileName(u.filename()).withFaceState(state));
        } catch (Exception e) {
            es.blobs().delete(u.blob());
            throw e;
        }
        try {
            job.submit(t);
        } catch (taskrunner.core.Busy full) {
            // answered 503: the job must not run later behind the client's back
            tasks.delete(id);
            es.blobs().delete(u.blob());
            throw full;
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("jobId", id);
        if (file == null) m.put("prototypeURI", fileUri);
        return Response.json(200, m);
    }

    /** An API distribution: one with dcterms:source (EntryScape's isAPIDistribution). */
    private boolean isApi(Entry e) {
        return !es.values(e, Rdf.SOURCE).isEmpty();
    }
}
