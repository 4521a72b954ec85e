package taskrunner.kazoo;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.http.HttpError;
import taskrunner.http.Request;

/**
 * Crossbar's authentication and authorization for this face: a valid token (401
 * otherwise), and access to the URL's account: the token's own account, a descendant of
 * it, or any account for a superduper admin (403 otherwise). Account-less task paths are
 * for superduper admins only.
 */
final class KazooAuth {
    private final Identity identity;
    private final KazooEnvelope envelope;

    KazooAuth(Identity identity, KazooEnvelope envelope) {
        this.identity = identity;
        this.envelope = envelope;
    }

    Principal principal(Request req) {
        Principal p = identity.authenticate(KazooEnvelope.token(req));
        if (p == null) throw new HttpError(envelope.unauthorized(req));
        return p;
    }

    /** The account the request acts on: the URL's, or the token's for account-less paths. */
    String account(Request req, Principal p) {
        String account = req.param("account");
        if (account == null) {
            if (!p.superduper()) throw new HttpError(envelope.forbidden(req));
            return p.account().id();
        }
        if (!identity.mayAccess(p, account)) throw new HttpError(envelope.forbidden(req));
        return account;
    }
}
