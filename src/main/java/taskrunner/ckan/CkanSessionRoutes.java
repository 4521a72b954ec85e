package taskrunner.ckan;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.auth.User;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /login}, {@code /logout} and {@code /user}: the admin session. Any admin user of
 * the core may log in (form POST or HTTP Basic, Basic winning); the session cookie holds a
 * core token, so logging out revokes it.
 */
final class CkanSessionRoutes {
    private final Identity identity;
    private final CkanAuth auth;

    CkanSessionRoutes(Identity identity, CkanAuth auth) {
        this.identity = identity;
        this.auth = auth;
    }

    Response login(Request req) throws Exception {
        String next = safeNext(req.query("next"));
        if (auth.session(req) != null) return redirect(next);
        String username = null;
        String password = null;
        if ("POST".equals(req.method())) {
            Map<String, List<String>> form = req.bodyForm();
            boolean basic = basic(req) != null;
            if (!basic && (!form.containsKey("username") || !form.containsKey("password"))) {
                return CkanReplies.framework(400); // the original reads the fields with a hard index
            }
            username = Request.first(form, "username");
            password = Request.first(form, "password");
        }
        String[] b = basic(req);
        if (b != null) {
            username = b[0];
            password = b[1];
        }
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            return refused("No username or password.");
        }
        User u = identity.checkPassword(username, password, req.clientAddress());
        // the original's admins are the server's: an admin of another account is not one here
        if (u == null || !u.admin() || !identity.root().id().equals(u.accountId())) {
            return refused("Wrong username or password.");
        }
        String token = identity.issueToken(identity.account(u.accountId()), u, null);
        return redirect(next).header("Set-Cookie", CkanAuth.SESSION.set(token));
    }

    Response logout(Request req) throws Exception {
        String token = req.cookie(CkanAuth.SESSION.name());
        if (token != null && !token.isEmpty()) identity.revoke(token);
        return redirect(safeNext(req.query("next")))
                .header("Set-Cookie", CkanAuth.SESSION.clearDated());
    }

    /** The logged-in admin, or (where the original crashes) the intended anonymous body. */
    Response user(Request req) {
        Principal p = auth.session(req);
        var m = new LinkedHashMap<String, Object>();
        if (p == null) {
            m.put("id", null);
            m.put("is_active", false);
            m.put("is_anonymous", true);
            m.put("name", "Anonymous");
        } else {
            m.put("id", p.user().id());
            m.put("is_active", true);
            m.put("is_anonymous", false);
            m.put("name", p.user().username());
        }
        return CkanReplies.jsonify(m).header("Vary", "Cookie");
    }

    private static Response refused(String reason) {
        return Response.text(401, CkanReplies.HTML, "Could not verify your access level for that URL.\n " + reason)
                .header("WWW-Authenticate", "Basic realm=\"Login Required\"");
    }

    private static Response redirect(String location) {
        return Response.text(302, CkanReplies.HTML, "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
                + "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\""
                + location + "\">" + location + "</a>. If not, click the link.\n").header("Location", location);
    }

    /** Only a local path: the original's open redirect is not kept. */
    private static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21 || c == '"' || c == '<' || c == '>')) {
            return "/user";
        }
        return next;
    }

    private static String[] basic(Request req) {
        String h = req.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String s = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            return colon < 0 ? null : new String[] {s.substring(0, colon), s.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
