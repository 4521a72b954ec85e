package taskrunner.entryscape.entrystore;

import taskrunner.entryscape.EsFace;
import taskrunner.util.NamedLocks;
import taskrunner.entryscape.Upload;
import taskrunner.entryscape.Uploads;
import taskrunner.http.ContentDisposition;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;

/**
 * EntryStore's {@code /store/<ctx>/resource/<id>}: the bytes of a local file entry (GET,
 * PUT; {@code POST ?method=put} as the browser UI tunnels it), the graph of a graph or
 * pipeline entry ({@link GraphResource}); named resources and links answer 303 to where
 * they are described.
 *
 * <p>Invariant: a PUT stores the whole upload as a new blob, then switches the entry to it
 * with one journal put, then deletes the old blob; a reader streams whichever blob it
 * opened, so it never sees a mix. A PUT with {@code If-Unmodified-Since} is checked against the
 * version it replaces, under the lock ({@link LastModified}).
 */
public final class ResourceRoutes {
    private final EntryStore es;
    private final EntryRoutes entries;
    private final Uploads uploads;
    private final NamedLocks locks;
    private final Clock clock;
    private final GraphResource graphs;

    /** @param maxBody the server's JSON body limit, for the graph of a graph or pipeline entry */
    public ResourceRoutes(EntryStore es, EntryRoutes entries, Uploads uploads, NamedLocks locks, Clock clock, long maxBody) {
        this.es = es;
        this.entries = entries;
        this.uploads = uploads;
        this.locks = locks;
        this.clock = clock;
        this.graphs = new GraphResource(es, locks, clock, maxBody);
    }

    /** The lock every writer of a file entry's bytes or metadata takes (jobs take it too). */
    public static String lockName(String entryKey) {
        return "file:" + entryKey;
    }

    public void install(Router r) {
        var f = EsFace.INSTANCE;
        long limit = uploads.maxBytes() + (1 << 20); // room for multipart framing; the file itself is capped exactly
        r.route("GET", "/store/{ctx}/resource/{id}", f, this::get);
        r.route("PUT", "/store/{ctx}/resource/{id}", f, limit, this::put);
        r.route("POST", "/store/{ctx}/resource/{id}", f, limit, req -> {
            if (!"put".equalsIgnoreCase(req.query("method"))) throw EsFace.fail(405, "Use PUT (or POST ?method=put)");
            return put(req);
        });
    }

    private Response get(Request req) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Entry e = entries.readableEntry(req);
            if (GraphResource.holds(e)) return graphs.get(e);
            if (!e.isLocal()) return Response.empty(303).header("Location", e.resource());
            if (!e.infoResource()) return Response.empty(303).header("Location", es.metadataUri(e.context(), e.id()));
            if (e.blob() == null) throw EsFace.fail(404, "Resource not found");
            InputStream in;
            try {
                in = es.blobs().open(e.blob());
            } catch (NoSuchFileException gone) {
                if (attempt < 5) continue; // replaced meanwhile: serve the new version
                throw gone;
            }
            String name = e.filename() != null ? e.filename() : e.id();
            String disposition = req.query("download") != null ? ContentDisposition.attachment(name) : ContentDisposition.inline(name);
            return LastModified.stamp(Response.untrusted(Response.stream(200, e.mimetype(), e.size(), out -> {
                try (in) {
                    in.transferTo(out);
                }
            })).header("Content-Disposition", disposition).header("Digest", "sha-256=" + e.sha256()), e.modified());
        }
    }

    private Response put(Request req) throws Exception {
        EntryRoutes.Writable w = entries.writable(req);
        Entry e = w.entry();
        if (GraphResource.holds(e)) return graphs.put(req, e);
        if (!e.isLocal() || !e.infoResource() || !e.graphType().equals("none")) {
            throw EsFace.fail(400, "Only local file entries (graphtype none, an information resource) hold bytes");
        }
        LastModified.check(req, e.modified()); // before the upload is stored; again below on the version replaced
        Upload u = uploads.receive(req, null, false);
        long now;
        try {
            now = locks.with(lockName(e.key()), () -> {
                Entry cur = es.entry(e.context(), e.id());
                if (cur == null) throw EsFace.fail(404, "Entry not found");
                LastModified.check(req, cur.modified());
                long t = clock.millis();
                es.put(cur.withFile(u.blob(), u.mimetype(), u.filename(), u.size(), u.sha256(), t, null).changedBy(w.by()));
                es.blobs().delete(cur.blob());
                return t;
            });
        } catch (Exception ex) {
            es.blobs().delete(u.blob());
            throw ex;
        }
        return LastModified.stamp(Response.empty(201), now);
    }
}
