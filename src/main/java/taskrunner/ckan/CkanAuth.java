package taskrunner.ckan;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.auth.Secrets;
import taskrunner.http.Cookie;
import taskrunner.http.Request;

/**
 * Who may act on a job, as the original decides it: an admin session (the {@code session}
 * cookie holds a core token of an admin user of the root account), or the raw {@code Authorization} header
 * equal to the secure key or to the job's key. Bulk delete takes the admin session only.
 *
 * <p>Invariant: secrets are compared as SHA-256 digests in constant time and never logged.
 */
final class CkanAuth {
    /** The admin session cookie: a core token, for the browser session only. */
    static final Cookie SESSION = new Cookie("session", "/", Cookie.SameSite.Lax, Cookie.SESSION);

    private final Identity identity;
    private final CkanSecretKey secretKey;

    CkanAuth(Identity identity, CkanSecretKey secretKey) {
        this.identity = identity;
        this.secretKey = secretKey;
    }

    /**
     * The admin principal of the session cookie, or null. CKAN administration (every job's
     * data, delete, purge) is the server's: only an admin user of the root account has it; an
     * admin of another account is an ordinary client of this face.
     */
    Principal session(Request req) {
        String token = req.cookie(SESSION.name());
        if (token == null || token.isEmpty()) return null;
        Principal p = identity.authenticate(token);
        return p != null && p.user() != null && p.superduper() ? p : null;
    }

    boolean mayAccess(Request req, CkanJob job) {
        if (session(req) != null) return true;
        String auth = req.header("Authorization");
        if (auth == null) return false;
        if (secretKey.matches(auth)) return true;
        return job.keyHash() != null && Secrets.equal(Secrets.sha256(auth), job.keyHash());
    }
}
