package taskrunner.entryscape;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.http.Cookie;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Who an EntryScape request comes from: the core principal of its {@code auth_token}
 * cookie (validating it slides its expiry). No cookie is EntryStore's guest; a cookie
 * with an unknown or expired token is refused with 401 and a cookie-clearing header, as
 * EntryStore does with {@code invalid-token-error=true}.
 */
public final class EsAuth {
    public static final String COOKIE = "auth_token";
    /** Sliding expiry keeps tokens alive, so the cookie itself lives a year, as EntryStore's does. */
    private static final long COOKIE_MAX_AGE_S = 31_536_000L;

    private final Identity identity;
    private final Supplier<URI> base;
    private final Cookie.SameSite sameSite;

    /** {@code sameSite}: Strict unless pages of other sites log in through credentialed CORS (then None). */
    public EsAuth(Identity identity, Supplier<URI> base, Cookie.SameSite sameSite) {
        this.identity = identity;
        this.base = base;
        this.sameSite = sameSite;
    }

    public Identity identity() {
        return identity;
    }

    /** The principal, or null for a guest; 401 for a bad token. */
    public Principal optional(Request req) {
        String token = req.cookie(COOKIE);
        if (token == null || token.isEmpty()) return null;
        Principal p = identity.authenticate(token);
        if (p == null) throw new HttpError(notAuthorized());
        return p;
    }

    /** The principal; 401 for guests and bad tokens. */
    public Principal required(Request req) {
        Principal p = optional(req);
        if (p == null) throw new HttpError(Response.json(401, Map.of("error", "Not authorized")));
        return p;
    }

    /** 401 that also tells the browser to drop its cookie. */
    public Response notAuthorized() {
        return Response.json(401, Map.of("error", "Not authorized")).header("Set-Cookie", cookie().clear());
    }

    /** The {@code auth_token} cookie, on EntryStore's cookie path: the path of the repository URL. */
    public Cookie cookie() {
        return new Cookie(COOKIE, base.get().getPath() + "store/", sameSite, COOKIE_MAX_AGE_S);
    }
}
