package taskrunner.kazoo;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.auth.Account;
import taskrunner.auth.PasswordHasher;
import taskrunner.auth.Secrets;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;
import taskrunner.support.SingleServer;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Monster UI's login, {@code PUT /v2/user_auth {"data":{"credentials": md5(user:password),
 * "account_name"}}}: Crossbar normalizes the account name before the lookup
 * ({@code kzd_accounts:normalize_name}: lower case, letters and digits only) and tries every
 * account of that name, so this server does too, with one PBKDF2 hash per login.
 */
class KazooAccountNameLoginTest {
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

    static HttpResponse<String> login(String username, String password, String accountName) throws Exception {
        var body = new LinkedHashMap<String, Object>();
        body.put("credentials", Secrets.md5(username + ":" + password));
        body.put("account_name", accountName);
        return fx.send(fx.request("/v2/user_auth").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("data", body)))));
    }

    static String account(String name) throws Exception {
        var r = admin.send("PUT", "/v2/accounts/" + admin.accountId, "application/json",
                JSON.std.asString(Map.of("data", Map.of("name", name))));
        assertEquals(201, r.statusCode(), r.body());
        return (String) KazooClient.data(r).get("id");
    }

    static void user(String account, String username, String password) throws Exception {
        var r = admin.send("PUT", "/v2/accounts/" + account + "/users", "application/json",
                JSON.std.asString(Map.of("data", Map.of("username", username, "password", password))));
        assertEquals(201, r.statusCode(), r.body());
    }

    @Test
    void theNameIsNormalizedAsKazooDoes() {
        assertEquals("blip2blop", Account.normalizedName("Blip#2!Blop"), "kzd_account_tests' own case");
        assertEquals("acmecorp", Account.normalizedName(" ACME-Corp! "));
        assertEquals("caf", Account.normalizedName("Café"), "Kazoo drops the bytes of a non-ASCII letter");
        assertEquals("", Account.normalizedName("--"));
    }

    @Test
    void everySpellingOfTheNameFindsTheAccount() throws Exception {
        String acme = account("Acme Corp");
        user(acme, "acme-admin", "pw-acme");
        for (String name : List.of("Acme Corp", "acme corp", "acmecorp", "ACME CORP", " Acme-Corp! ")) {
            var r = login("acme-admin", "pw-acme", name);
            assertEquals(201, r.statusCode(), name + ": " + r.body());
            assertEquals(acme, KazooClient.data(r).get("account_id"), name);
            assertEquals("Acme Corp", KazooClient.data(r).get("account_name"), "the answer names the account as it is");
        }
        for (String name : List.of("ROOT ", "Root", "r-o-o-t")) {
            assertEquals(201, login("admin", ServerFixture.ADMIN_PASSWORD, name).statusCode(), name);
        }
        assertEquals(401, login("acme-admin", "pw-acme", "acme").statusCode(), "another name is another account");
        assertEquals(401, login("acme-admin", "wrong", "acmecorp").statusCode());
    }

    @Test
    void accountsWhoseNamesNormalizeAlikeAreAllTriedForOneHash() throws Exception {
        // Kazoo does not refuse such names (cb_accounts has no uniqueness check); its login tries each account
        String first = account("Twin Co");
        String second = account("TWIN-CO");
        user(first, "twin-one", "pw-1");
        user(second, "twin-two", "pw-2");
        for (var c : List.of(List.of("twin-one", "pw-1", first), List.of("twin-two", "pw-2", second))) {
            long before = PasswordHasher.hashesComputed();
            var r = login(c.get(0), c.get(1), "twinco");
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(c.get(2), KazooClient.data(r).get("account_id"));
            assertEquals(1, PasswordHasher.hashesComputed() - before, "one salt for every account of the name, not one per account");
        }
    }

    @SingleServer("writes records into the journal file as an older version did")
    @Test
    void credentialKeysWrittenBeforeNormalizedNamesStillLogIn() throws Exception {
        try (var old = new ServerFixture()) {
            var oldAdmin = KazooClient.admin(old);
            String spaced = null, plain = null;
            for (String name : List.of("Old Spaced Name", "oldplain")) {
                var r = oldAdmin.send("PUT", "/v2/accounts/" + oldAdmin.accountId, "application/json",
                        JSON.std.asString(Map.of("data", Map.of("name", name))));
                String id = (String) KazooClient.data(r).get("id");
                if (spaced == null) spaced = id;
                else plain = id;
                String username = name.equals("oldplain") ? "plain-user" : "spaced-user";
                r = oldAdmin.send("PUT", "/v2/accounts/" + id + "/users", "application/json",
                        JSON.std.asString(Map.of("data", Map.of("username", username, "password", "pw-old"))));
                assertEquals(201, r.statusCode(), r.body());
            }
            old.server.close();
            // the user records as the version before normalized names wrote them: the key bare, salted by the lower-cased name
            var lines = new StringBuilder();
            lines.append(withLegacyKey(old, "spaced-user", "Old Spaced Name"));
            lines.append(withLegacyKey(old, "plain-user", "oldplain"));
            old.appendToJournal(lines.toString());
            old.start();

            long before = PasswordHasher.hashesComputed();
            var r = loginAt(old, "plain-user", "pw-old", "OldPlain");
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(plain, KazooClient.data(r).get("account_id"));
            assertEquals(1, PasswordHasher.hashesComputed() - before, "the old key of a name normalizing leaves alone serves as it is");

            r = loginAt(old, "spaced-user", "pw-old", "old spaced name");
            assertEquals(201, r.statusCode(), "its old key cannot match, so its own hash is checked: " + r.body());
            assertEquals(spaced, KazooClient.data(r).get("account_id"));
            before = PasswordHasher.hashesComputed();
            r = loginAt(old, "spaced-user", "pw-old", "OLD-SPACED-NAME");
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(1, PasswordHasher.hashesComputed() - before, "the first login made the key anew");
            assertEquals(401, loginAt(old, "spaced-user", "wrong", "oldspacedname").statusCode());
        }
    }

    static HttpResponse<String> loginAt(ServerFixture at, String username, String password, String accountName) throws Exception {
        return at.send(at.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("data",
                Map.of("credentials", Secrets.md5(username + ":" + password), "account_name", accountName))))));
    }

    /** A journal line putting the user again with the key the earlier version made: PBKDF2 salted by the lower-cased name, bare base64. */
    @SuppressWarnings("unchecked")
    static String withLegacyKey(ServerFixture at, String username, String accountName) throws Exception {
        Map<String, Object> user = null;
        for (String line : Files.readAllLines(at.dataDir.resolve("journal.jsonl"))) {
            if (line.isBlank() || line.charAt(0) == 0) continue;
            var m = (Map<String, Object>) JSON.std.anyFrom(line);
            if ("user".equals(m.get("k")) && m.get("v") instanceof Map<?, ?> v && username.equals(v.get("username"))) {
                user = new LinkedHashMap<>((Map<String, Object>) v);
            }
        }
        assertNotNull(user, username);
        byte[] salt = Arrays.copyOf(Secrets.sha256Bytes("taskrunner account key:" + accountName.toLowerCase(Locale.ROOT)), 16);
        var spec = new PBEKeySpec(Secrets.md5(username + ":pw-old").toCharArray(), salt, 120_000, 256);
        user.put("ckey", Base64.getEncoder().withoutPadding().encodeToString(
                SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded()));
        return ServerFixture.journalPut("user", user.get("id"), user);
    }
}
