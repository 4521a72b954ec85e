package taskrunner.kazoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KazooHelpAndAuthTest {
    static ServerFixture fx;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void helpListsEveryCategoryWithoutAToken() throws Exception {
        var anon = new KazooClient(fx);
        var r = anon.get("/v2/tasks");
        assertEquals(200, r.statusCode());
        var tasks = (Map<String, Object>) KazooClient.data(r).get("tasks");
        var examples = (Map<String, Object>) tasks.get("examples");
        var sleep = (Map<String, Object>) examples.get("sleep");
        assertEquals("text/csv", sleep.get("expected_content"));
        assertEquals(List.of("ms"), sleep.get("mandatory"));
        var count = (Map<String, Object>) examples.get("count");
        assertFalse(count.containsKey("expected_content"), "a no-input task has no expected_content");
        var json = ServerFixture.json(r.body());
        assertEquals("success", json.get("status"));
        assertNotNull(json.get("request_id"));
        assertNotNull(json.get("revision"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void helpForCategoryNestsAndForActionAnswersTheSeedShape() throws Exception {
        var byCategory = KazooClient.data(admin.get("/v2/tasks?category=examples"));
        assertTrue(((Map<String, Object>) ((Map<String, Object>) byCategory.get("tasks")).get("examples")).containsKey("echo"));
        var r = admin.get("/v2/tasks?category=examples&action=echo");
        assertEquals(200, r.statusCode());
        var tasks = (Map<String, Object>) KazooClient.data(r).get("tasks");
        assertEquals(List.of("echo"), List.copyOf(tasks.keySet()));
        assertEquals("Copy each input row to the output", ((Map<String, Object>) tasks.get("echo")).get("description"));
    }

    @Test
    void unknownHelpLookupIsTheSeedsInvalidRequest() throws Exception {
        for (String q : List.of("?category=services&action=blipblop", "?category=nope", "?action=echo")) {
            var r = admin.get("/v2/tasks" + q);
            assertEquals(500, r.statusCode(), q);
            var json = ServerFixture.json(r.body());
            assertEquals("500", json.get("error"));
            assertEquals("invalid request", json.get("message"));
            assertEquals(Map.of("message", "invalid request"), json.get("data"));
            assertEquals("error", json.get("status"));
            assertEquals(admin.token, json.get("auth_token"));
        }
    }

    @Test
    void anMd5LoginByAccountNameCostsOneHashHoweverManyUsersTheAccountHas() throws Exception {
        var acct = admin.send("PUT", "/v2/accounts/" + admin.accountId, "application/json", "{\"data\":{\"name\":\"many-users\"}}");
        assertEquals(201, acct.statusCode(), acct.body());
        String id = (String) KazooClient.data(acct).get("id");
        for (int i = 0; i < 12; i++) {
            var u = admin.send("PUT", "/v2/accounts/" + id + "/users", "application/json",
                    "{\"data\":{\"username\":\"many" + i + "\",\"password\":\"pw-" + i + "\"}}");
            assertEquals(201, u.statusCode(), u.body());
        }
        for (String password : new String[] {"pw-11", "wrong"}) {
            String md5 = taskrunner.auth.Secrets.md5("many11:" + password);
            long before = taskrunner.auth.PasswordHasher.hashesComputed();
            var r = fx.send(fx.request("/v2/user_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"data\":{\"credentials\":\"" + md5 + "\",\"account_name\":\"many-users\"}}")));
            assertEquals(password.equals("wrong") ? 401 : 201, r.statusCode(), r.body());
            // other tests of this class may hash meanwhile; this login alone would be 12 hashes before
            assertTrue(taskrunner.auth.PasswordHasher.hashesComputed() - before <= 2,
                    "hashes for one login: " + (taskrunner.auth.PasswordHasher.hashesComputed() - before));
        }
    }

    @Test
    void md5CredentialsAndApiKeyBothLogIn() throws Exception {
        String md5 = taskrunner.auth.Secrets.md5("admin:" + ServerFixture.ADMIN_PASSWORD);
        var r = fx.send(fx.request("/v2/user_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"credentials\":\"" + md5 + "\",\"account_name\":\"root\"}}")));
        assertEquals(201, r.statusCode(), r.body());
        String token = (String) ServerFixture.json(r.body()).get("auth_token");
        assertEquals(43, token.length());

        var acct = admin.send("PUT", "/v2/accounts/" + admin.accountId, "application/json", "{\"data\":{\"name\":\"tenant-k\"}}");
        assertEquals(201, acct.statusCode());
        String apiKey = (String) KazooClient.data(acct).get("api_key");
        r = fx.send(fx.request("/v2/api_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"api_key\":\"" + apiKey + "\"}}")));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(KazooClient.data(acct).get("id"), KazooClient.data(r).get("account_id"));
    }

    @Test
    void badCredentialsAndBadTokensAre401() throws Exception {
        var r = fx.send(fx.request("/v2/user_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"admin\",\"password\":\"wrong\"}}")));
        assertEquals(401, r.statusCode());
        assertEquals("invalid_credentials", ServerFixture.json(r.body()).get("message"));
        r = fx.send(fx.request("/v2/api_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":{\"api_key\":\"nope\"}}")));
        assertEquals(401, r.statusCode());
        var bad = new KazooClient(fx);
        bad.token = "not-a-token";
        r = bad.get("/v2/accounts/" + admin.accountId + "/tasks");
        assertEquals(401, r.statusCode());
        assertEquals(Map.of("message", "invalid credentials"), ServerFixture.json(r.body()).get("data"));
        r = new KazooClient(fx).get("/v2/accounts/" + admin.accountId + "/tasks");
        assertEquals(401, r.statusCode());
        r = fx.send(fx.request("/v2/user_auth").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{not json")));
        assertNotJson(r);
        // a task's JSON body is refused in the same shape
        assertNotJson(admin.send("PUT", "/v2/accounts/" + admin.accountId + "/tasks?category=examples&action=echo",
                "application/json", "{not json"));
    }

    @SuppressWarnings("unchecked")
    private static void assertNotJson(java.net.http.HttpResponse<String> r) throws Exception {
        assertEquals(400, r.statusCode(), r.body());
        var json = ServerFixture.json(r.body());
        assertEquals("validation error", json.get("message"));
        var invalid = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) json.get("data")).get("json")).get("invalid");
        assertEquals(List.of("message", "target"), List.copyOf(invalid.keySet()));
        assertEquals("body", invalid.get("target"));
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404InTheEnvelope() throws Exception {
        var r = admin.send("POST", "/v2/tasks", "application/json", "{}");
        assertEquals(405, r.statusCode());
        assertEquals("error", ServerFixture.json(r.body()).get("status"));
        assertTrue(r.headers().firstValue("Allow").orElse("").contains("GET"));
        r = admin.get("/v2/nothing/here");
        assertEquals(404, r.statusCode());
        assertEquals("error", ServerFixture.json(r.body()).get("status"));
    }

    @Test
    void accountsAndUsersCanBeSetUpWithCurlAlone() throws Exception {
        var tenant = admin.childWithUser("tenant-a", "alice", "alicepw");
        var acct = KazooClient.data(tenant.get("/v2/accounts/" + tenant.accountId));
        assertEquals("tenant-a", acct.get("name"));
        assertEquals(List.of(admin.accountId), acct.get("tree"));
        var users = tenant.get("/v2/accounts/" + tenant.accountId + "/users");
        assertTrue(users.body().contains("\"alice\""));
        var dup = admin.send("PUT", "/v2/accounts/" + tenant.accountId + "/users", "application/json",
                "{\"data\":{\"username\":\"Alice\",\"password\":\"x\"}}");
        assertEquals(400, dup.statusCode());
        assertTrue(dup.body().contains("Username must be unique"), dup.body());
        var noName = admin.send("PUT", "/v2/accounts/" + admin.accountId, "application/json", "{\"data\":{}}");
        assertEquals(400, noName.statusCode());
        // a tenant cannot read its parent
        assertEquals(403, tenant.get("/v2/accounts/" + admin.accountId).statusCode());
    }
}
