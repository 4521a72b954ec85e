package taskrunner.kazoo;

import taskrunner.auth.Account;
import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.auth.User;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of Crossbar's auth and accounts APIs an admin needs to set up tenants with
 * curl: {@code PUT /v2/user_auth}, {@code PUT /v2/api_auth}, {@code PUT|GET
 * /v2/accounts/{A}}, {@code PUT|GET /v2/accounts/{A}/users}. Passwords and api keys never
 * appear in logs; an api_key is shown once, when its account is created.
 */
final class KazooAccountRoutes {
    private final Identity identity;
    private final KazooAuth auth;
    private final KazooEnvelope envelope;

    KazooAccountRoutes(Identity identity, KazooAuth auth, KazooEnvelope envelope) {
        this.identity = identity;
        this.auth = auth;
        this.envelope = envelope;
    }

    /** {"data":{"credentials":md5("user:pass"),"account_name":...}} or {"data":{"username","password"}}. */
    Response userAuth(Request req) throws IOException {
        Map<String, Object> data = data(req);
        String username = str(data.get("username"));
        String password = str(data.get("password"));
        String credentials = str(data.get("credentials"));
        User user = null;
        if (username != null && password != null) {
            user = identity.checkPassword(username, password, req.clientAddress());
        } else if (credentials != null && username != null) {
            user = identity.checkCredential(username, credentials, req.clientAddress());
        } else if (credentials != null) {
            user = identity.checkCredentialInAccount(credentials, str(data.get("account_name")), req.clientAddress());
        }
        if (user == null) return envelope.unauthorized(req);
        Account account = identity.account(user.accountId());
        String token = identity.issueToken(account, user, null);
        return authAnswer(req, account, user, token);
    }

    /** {"data":{"api_key":"..."}}: a token for the account whose api_key it is. */
    Response apiAuth(Request req) throws IOException {
        Map<String, Object> data = data(req);
        Account account = identity.accountByApiKey(str(data.get("api_key")));
        if (account == null) return envelope.unauthorized(req);
        String token = identity.issueToken(account, null, null);
        return authAnswer(req, account, null, token);
    }

    /** {@code PUT /v2/accounts/{A}}: a new child account of A, with its api_key (shown once). */
    Response createAccount(Request req) throws IOException {
        Principal p = auth.principal(req);
        String parent = req.param("account") == null ? p.account().id() : auth.account(req, p);
        if (!p.admin()) return envelope.forbidden(req);
        if (identity.account(parent) == null) return envelope.badIdentifier(req, parent);
        Map<String, Object> data = data(req);
        String name = str(data.get("name"));
        if (name == null || name.isBlank()) {
            return envelope.validation(req, Map.of("name", KazooEnvelope.required()));
        }
        var created = identity.createAccount(parent, name);
        var json = accountJson(created.account());
        json.put("api_key", created.apiKey());
        return envelope.success(req, 201, json);
    }

    Response getAccount(Request req) {
        Principal p = auth.principal(req);
        String id = auth.account(req, p);
        Account a = identity.account(id);
        if (a == null) return envelope.badIdentifier(req, id);
        return envelope.success(req, 200, accountJson(a));
    }

    /** {@code PUT /v2/accounts/{A}/users}: username, password, priv_level ("admin" or "user"). */
    Response createUser(Request req) throws IOException {
        Principal p = auth.principal(req);
        String account = auth.account(req, p);
        if (!p.admin()) return envelope.forbidden(req);
        if (identity.account(account) == null) return envelope.badIdentifier(req, account);
        Map<String, Object> data = data(req);
        String username = str(data.get("username"));
        String password = str(data.get("password"));
        var missing = new LinkedHashMap<String, Object>();
        if (username == null || username.isBlank()) missing.put("username", KazooEnvelope.required());
        if (password == null || password.isEmpty()) missing.put("password", KazooEnvelope.required());
        if (!missing.isEmpty()) return envelope.validation(req, missing);
        User u;
        try {
            u = identity.createUser(account, username, password, "admin".equals(str(data.get("priv_level"))),
                    str(data.get("first_name")), str(data.get("last_name")), str(data.get("email")));
        } catch (Identity.NameTaken taken) {
            return envelope.validation(req, Map.of("username",
                    Map.of("unique", Map.of("message", "Username must be unique", "cause", username))));
        }
        return envelope.success(req, 201, userJson(u));
    }

    Response listUsers(Request req) {
        Principal p = auth.principal(req);
        String account = auth.account(req, p);
        var list = new ArrayList<Map<String, Object>>();
        for (User u : identity.users(account)) list.add(userJson(u));
        return envelope.success(req, 200, list, Map.of("page_size", list.size()));
    }

    private Response authAnswer(Request req, Account account, User user, String token) {
        var d = new LinkedHashMap<String, Object>();
        d.put("account_id", account.id());
        d.put("account_name", account.name());
        if (user != null) d.put("owner_id", user.id());
        d.put("is_reseller", account.isRoot());
        d.put("is_superduper_admin", account.isRoot() && (user == null || user.admin()));
        d.put("language", "en-us");
        d.put("apps", List.of());
        var m = new LinkedHashMap<String, Object>();
        m.put("auth_token", token);
        m.put("data", d);
        m.put("node", envelope.node());
        m.put("request_id", req.requestId());
        m.put("revision", "automatic");
        m.put("status", "success");
        m.put("timestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        m.put("version", KazooEnvelope.VERSION);
        return Response.json(201, m);
    }

    private static Map<String, Object> accountJson(Account a) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", a.id());
        m.put("name", a.name());
        m.put("tree", a.tree());
        m.put("superduper_admin", a.isRoot());
        m.put("created", Gregorian.fromMillis(a.created()));
        return m;
    }

    private static Map<String, Object> userJson(User u) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", u.id());
        m.put("username", u.username());
        if (u.firstName() != null) m.put("first_name", u.firstName());
        if (u.lastName() != null) m.put("last_name", u.lastName());
        if (u.email() != null) m.put("email", u.email());
        m.put("priv_level", u.admin() ? "admin" : "user");
        m.put("account_id", u.accountId());
        return m;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data(Request req) throws IOException {
        Object body;
        try {
            body = req.bodyJson();
        } catch (Request.MalformedBody e) {
            throw new HttpError(envelope.invalidJson(req, e.getMessage()));
        }
        if (body instanceof Map<?, ?> m && m.get("data") instanceof Map<?, ?> d) return (Map<String, Object>) d;
        return Map.of();
    }

    private static String str(Object o) {
        return o instanceof String s ? s : null;
    }
}
