package taskrunner.entryscape.entrystore;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.auth.Secrets;
import taskrunner.auth.Token;
import taskrunner.auth.User;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.store.Store;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EntryStore's {@code /store/auth/} subset: cookie login, who am I, logout. Tokens are the
 * core's (sliding expiry), so the same cookie works on every EntryScape route. Who am I
 * answers the {@link UserEntries} id and URI of the caller's user entry, which
 * {@link PrincipalRoutes} serves (entrystore.js {@code getAuth().getUserEntry()}); a token made
 * from an account's api_key has no user, and answers the account's id and name instead.
 */
public final class AuthRoutes {
    private static final long MAX_AGE_CAP_S = 365L * 24 * 3600;
    private final EsAuth auth;
    private final Identity identity;
    private final Store store;
    private final EntryStore es;
    private final UserEntries users;
    private final long defaultTtlMs;

    public AuthRoutes(EsAuth auth, Store store, EntryStore es, UserEntries users, long defaultTtlMs) {
        this.auth = auth;
        this.identity = auth.identity();
        this.store = store;
        this.es = es;
        this.users = users;
        this.defaultTtlMs = defaultTtlMs;
    }

    public void install(Router r) {
        var f = EsFace.INSTANCE;
        r.route("POST", "/store/auth/cookie", f, 32 * 1024, this::login);
        r.route("GET", "/store/auth/user", f, this::user);
        r.route("GET", "/store/auth/logout", f, this::logout);
    }

    private Response login(Request req) throws Exception {
        Map<String, List<String>> form = req.bodyForm();
        String user = Request.first(form, "auth_username");
        String password = Request.first(form, "auth_password");
        if (user == null || password == null || user.isEmpty()) {
            throw EsFace.fail(400, "auth_username and auth_password are required");
        }
        Long ttl = null;
        String maxAge = Request.first(form, "auth_maxage");
        if (maxAge != null && !maxAge.isEmpty()) {
            try {
                long s = Long.parseLong(maxAge.trim());
                if (s > 0) ttl = Math.min(s, MAX_AGE_CAP_S) * 1000;
            } catch (NumberFormatException e) {
                throw EsFace.fail(400, "auth_maxage must be a number of seconds");
            }
        }
        User u = identity.checkPassword(user.trim(), password, req.clientAddress());
        if (u == null) return html(req, 401, "Login failed.");
        String token = identity.issueToken(identity.account(u.accountId()), u, ttl == null ? defaultTtlMs : ttl);
        return html(req, 200, "Login successful.").header("Set-Cookie", auth.cookie().set(token));
    }

    private Response user(Request req) {
        Principal p = auth.optional(req);
        var m = new LinkedHashMap<String, Object>();
        if (p == null) {
            m.put("user", UserEntries.GUEST);
            m.put("id", UserEntries.GUEST);
            m.put("uri", es.entryUri(UserEntries.CONTEXT, UserEntries.GUEST));
            return Response.json(200, m);
        }
        String id = p.user() != null ? users.entryId(p.user()) : p.account().id();
        m.put("user", p.user() != null ? p.user().username() : p.account().name());
        m.put("id", id);
        m.put("uri", es.entryUri(UserEntries.CONTEXT, id));
        Token t = store.get(Token.KIND, Secrets.sha256(p.token()));
        if (t != null) {
            m.put("authTokenExpires", LocalDateTime.ofInstant(Instant.ofEpochMilli(t.expires()), ZoneOffset.UTC).toString());
        }
        return Response.json(200, m);
    }

    private Response logout(Request req) throws Exception {
        String token = req.cookie(EsAuth.COOKIE);
        if (token != null) identity.revoke(token);
        return html(req, 200, "Logout successful.").header("Set-Cookie", auth.cookie().clear());
    }

    /** EntryStore answers HTML to clients that take it (curl and python send Accept: any), else no body. */
    private static Response html(Request req, int status, String message) {
        String accept = req.header("Accept");
        boolean html = accept == null || accept.isBlank() || accept.contains("text/html") || accept.contains("*/*");
        if (!html) return status == 200 ? Response.empty(204) : Response.json(status, Map.of("error", message));
        return Response.text(status, "text/html; charset=UTF-8",
                "<html><head><title>Login</title></head><body><h3>" + message + "</h3></body></html>\n");
    }
}
