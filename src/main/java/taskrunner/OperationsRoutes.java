package taskrunner;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.store.Backup;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The routes outside the faces: a health check for load balancers, and the online backup. */
final class OperationsRoutes {
    private static final Logger LOG = Logger.getLogger(OperationsRoutes.class.getName());

    private OperationsRoutes() {}

    static void install(Router router, Identity identity, Backup backup) {
        // For load balancers and start-up checks; answers before any face is involved.
        router.route("GET", "/healthz", (req, status, msg) -> Response.text(status, "text/plain", msg + "\n"),
                req -> Response.text(200, "text/plain", "ok\n"));
        router.route("POST", "/admin/backup", OPERATIONS, req -> backup(req, identity, backup));
    }

    /** The error envelope of the operations routes (outside the faces): {@code {"error": "..."}}. */
    private static final ErrorEnvelope OPERATIONS = (req, status, msg) -> Response.json(status, Map.of("error", msg));

    /**
     * {@code POST /admin/backup}: for the root account (a superduper token, an admin's or
     * the root api_key's, as Kazoo's account-less routes require, so that a scheduled backup
     * needs no password; 401 without a valid token, 403 for anyone else),
     * a complete copy of the data directory under {@link Config#backupDir()}, made while the
     * server runs (see {@link Backup}). Answers
     * {@code {"backup": "<absolute path>", "records": N, "blobs": M, "bytes": B}}, or 500 with
     * the I/O failure (an unwritable backup directory, a full disk) and nothing left behind.
     */
    private static Response backup(Request req, Identity identity, Backup backup) {
        Principal p = identity.authenticate(req.header("X-Auth-Token"));
        if (p == null) return OPERATIONS.error(req, 401, "an X-Auth-Token of the root account (an admin's or its api_key's) is needed");
        if (!p.superduper()) return OPERATIONS.error(req, 403, "only an admin of the root account may make a backup");
        Backup.Result r;
        try {
            r = backup.run();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "backup failed", e);
            return OPERATIONS.error(req, 500, "backup failed: " + e);
        }
        LOG.info("backup written to " + r.dir() + ": " + r.records() + " records, " + r.blobs() + " blobs, " + r.bytes() + " bytes");
        var answer = new LinkedHashMap<String, Object>();
        answer.put("backup", r.dir().toAbsolutePath().normalize().toString());
        answer.put("records", r.records());
        answer.put("blobs", r.blobs());
        answer.put("bytes", r.bytes());
        return Response.json(200, answer);
    }
}
