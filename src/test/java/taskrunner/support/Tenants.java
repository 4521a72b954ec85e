package taskrunner.support;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The account tree of the cross-tenant matrix tests, made over real HTTP: root → A → A1
 * and root → B, with an admin and a plain user in A and B and an admin in A1, and tokens
 * of A's and of the root account's api_key. Every principal has a core token (a Kazoo
 * login), usable on any face.
 */
public final class Tenants {
    /** Who a matrix row is: its name and its core token (null for anonymous). */
    public record Who(String name, String username, String password, String token) {}

    public final String root;
    public final String a;
    public final String a1;
    public final String b;
    public final String aApiKey;
    /** In the matrix's order; the first is anonymous. */
    public final Map<String, Who> who = new LinkedHashMap<>();

    public static final String ANON = "anonymous", ROOT = "root-admin", ROOT_KEY = "root-api_key", A_ADMIN = "A-admin", A_USER = "A-user",
            A_KEY = "A-api_key", A1_ADMIN = "A1-admin", B_ADMIN = "B-admin", B_USER = "B-user";

    /** On a server started fresh, whose first start printed the root account's api_key. */
    public Tenants(ServerFixture fx) throws Exception {
        this(fx, fx.server.bootstrap().apiKey());
    }

    public Tenants(Endpoint fx, String rootApiKey) throws Exception {
        var admin = KazooClient.admin(fx);
        root = admin.accountId;
        var ra = account(admin, root, "tenant-a");
        a = (String) ra.get("id");
        aApiKey = (String) ra.get("api_key");
        b = (String) account(admin, root, "tenant-b").get("id");
        user(admin, a, "m-a-admin", true);
        user(admin, a, "m-a-user", false);
        user(admin, b, "m-b-admin", true);
        user(admin, b, "m-b-user", false);
        var aAdmin = new KazooClient(fx).login("m-a-admin", "pw-m-a-admin");
        a1 = (String) account(aAdmin, a, "tenant-a1").get("id");
        user(aAdmin, a1, "m-a1-admin", true);

        who.put(ANON, new Who(ANON, null, null, null));
        who.put(ROOT, new Who(ROOT, "admin", ServerFixture.ADMIN_PASSWORD, admin.token));
        who.put(ROOT_KEY, new Who(ROOT_KEY, null, null, apiAuth(fx, rootApiKey)));
        for (String[] u : List.of(new String[] {A_ADMIN, "m-a-admin"}, new String[] {A_USER, "m-a-user"})) {
            who.put(u[0], login(fx, u[0], u[1]));
        }
        who.put(A_KEY, new Who(A_KEY, null, null, apiAuth(fx, aApiKey)));
        for (String[] u : List.of(new String[] {A1_ADMIN, "m-a1-admin"}, new String[] {B_ADMIN, "m-b-admin"},
                new String[] {B_USER, "m-b-user"})) {
            who.put(u[0], login(fx, u[0], u[1]));
        }
    }

    /** A token for an account's api_key ({@code PUT /v2/api_auth}). */
    private static String apiAuth(Endpoint fx, String apiKey) throws Exception {
        var r = fx.send(fx.request("/v2/api_auth").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"api_key\":\"" + apiKey + "\"}}")));
        if (r.statusCode() != 201) throw new AssertionError("api_auth: " + r.statusCode() + " " + r.body());
        return (String) ServerFixture.json(r.body()).get("auth_token");
    }

    private static Who login(Endpoint fx, String name, String username) throws Exception {
        return new Who(name, username, "pw-" + username, new KazooClient(fx).login(username, "pw-" + username).token);
    }

    private static Map<String, Object> account(KazooClient as, String parent, String name) throws Exception {
        var r = as.send("PUT", "/v2/accounts/" + parent, "application/json", "{\"data\":{\"name\":\"" + name + "\"}}");
        if (r.statusCode() != 201) throw new AssertionError("account create: " + r.statusCode() + " " + r.body());
        return KazooClient.data(r);
    }

    private static void user(KazooClient as, String account, String username, boolean admin) throws Exception {
        var r = as.send("PUT", "/v2/accounts/" + account + "/users", "application/json",
                "{\"data\":{\"username\":\"" + username + "\",\"password\":\"pw-" + username + "\",\"priv_level\":\""
                        + (admin ? "admin" : "user") + "\"}}");
        if (r.statusCode() != 201) throw new AssertionError("user create: " + r.statusCode() + " " + r.body());
    }

    /** The expected rule for A's records: A's own principals and its ancestors; no sibling, no child, no guest. */
    public static boolean reachesA(String who) {
        return List.of(ROOT, ROOT_KEY, A_ADMIN, A_USER, A_KEY).contains(who);
    }

    /** The expected rule for A1's records: A1's admin and its ancestors (root, A's principals); not B. */
    public static boolean reachesA1(String who) {
        return reachesA(who) || who.equals(A1_ADMIN);
    }
}
