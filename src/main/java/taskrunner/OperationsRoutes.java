package taskrunner;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.metrics.Metrics;
import taskrunner.store.Backup;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The routes outside the faces: a health check for load balancers, the metrics, and the online backup. */
final class OperationsRoutes {
    private static final Logger LOG = Logger.getLogger(OperationsRoutes.class.getName());

    private OperationsRoutes() {}

    /**
     * @param backup      null on PostgreSQL ({@code --postgres}): the database is backed up with its own tools
     * @param metricsOpen whether {@code GET /metrics} answers without a token ({@link Config#metricsOpen()})
     */
    static void install(Router router, Identity identity, Backup backup, Metrics metrics, boolean metricsOpen) {
        // For load balancers and start-up checks; answers before any face is involved.
        router.route("GET", "/healthz", (req, status, msg) -> Response.text(status, "text/plain", msg + "\n"),
                req -> Response.text(200, "text/plain", "ok\n"));
        router.route("GET", "/metrics", OPERATIONS, req -> metrics(req, identity, metrics, metricsOpen));
        router.route("POST", "/admin/backup", OPERATIONS, req -> backup(req, identity, backup));
    }

    /** The error envelope of the operations routes (outside the faces): {@code {"error": "..."}}. */
    private static final ErrorEnvelope OPERATIONS = (req, status, msg) -> Response.json(status, Map.of("error", msg));

    /**
     * {@code POST /admin/backup}: for the root account ({@link #refusedUnlessRoot}),
     * a complete copy of the data directory under {@link Config#backupDir()}, made while the
     * server runs (see {@link Backup}). Answers
     * {@code {"backup": "<absolute path>", "records": N, "blobs": M, "bytes": B}}, or 500 with
     * the I/O failure (an unwritable backup directory, a full disk) and nothing left behind.
     */
    private static Response backup(Request req, Identity identity, Backup backup) {
        Response refused = refusedUnlessRoot(req, identity, "make a backup");
        if (refused != null) return refused;
        if (backup == null) {
            return OPERATIONS.error(req, 501, "this server keeps its records in PostgreSQL: back them up with pg_dump");
        }
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

    /**
     * {@code GET /metrics}: every metric in the Prometheus text format ({@link Metrics}), for
     * the root account as the backup is ({@link #refusedUnlessRoot}), or for anyone with
     * {@code --metrics-open}.
     */
    private static Response metrics(Request req, Identity identity, Metrics metrics, boolean open) {
        Response refused = open ? null : refusedUnlessRoot(req, identity, "read the metrics");
        if (refused != null) return refused;
        return Response.text(200, Metrics.CONTENT_TYPE, metrics.text());
    }

    /**
     * Null if the request carries a token of the root account: a superduper token, an admin's
     * or the root api_key's, as Kazoo's account-less routes require, so that a scheduled job
     * (a backup, a Prometheus scrape) needs no password. It comes as {@code X-Auth-Token} or
     * as {@code Authorization: Bearer <token>} (what a scrape configuration sends). Else the
     * answer: 401 without a valid token, 403 for anyone else.
     */
    private static Response refusedUnlessRoot(Request req, Identity identity, String doing) {
        String token = req.header("X-Auth-Token");
        String authorization = req.header("Authorization");
        if (token == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).trim();
        }
        Principal p = identity.authenticate(token);
        if (p == null) {
            return OPERATIONS.error(req, 401, "a token of the root account (an admin's or its api_key's) is needed, as X-Auth-Token"
                    + " or Authorization: Bearer");
        }
        if (!p.superduper()) return OPERATIONS.error(req, 403, "only an admin of the root account may " + doing);
        return null;
    }
}
