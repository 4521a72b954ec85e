package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EntryStore's /store/auth/ subset over real HTTP: cookie login, user, logout, bad tokens. */
class EsAuthTest {
    static ServerFixture fx;
    static ScapeClient c;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static HttpRequest.Builder loginRequest(String body) {
        return fx.request("/store/auth/cookie").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void loginSetsAnHttpOnlyCookieScopedToStoreAndSaysLoginSuccessful() throws Exception {
        var res = c.send(loginRequest("auth_username=admin&auth_password=" + ServerFixture.ADMIN_PASSWORD + "&auth_maxage=86400")
                .header("Accept", "*/*"));
        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("Login successful"), res.body());
        String cookie = res.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.matches("auth_token=[A-Za-z0-9_-]{20,}; Max-Age=31536000; SameSite=\\w+; HttpOnly; Path=/store/"), cookie);
    }

    @Test
    void usernameIsCaseInsensitiveAndJsonClientsGetNoBody() throws Exception {
        var res = c.send(loginRequest("auth_username=ADMIN&auth_password=" + ServerFixture.ADMIN_PASSWORD)
                .header("Accept", "application/json"));
        assertEquals(204, res.statusCode());
        assertTrue(res.headers().firstValue("Set-Cookie").orElseThrow().startsWith("auth_token="));
    }

    @Test
    void wrongPasswordIs401AndMissingFieldsAre400() throws Exception {
        var res = c.send(loginRequest("auth_username=admin&auth_password=nope"));
        assertEquals(401, res.statusCode());
        assertTrue(res.body().contains("Login failed"));
        assertTrue(res.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(400, c.send(loginRequest("auth_username=admin")).statusCode());
    }

    @Test
    void userAnswersTheLoggedInUserOrGuest() throws Exception {
        String token = c.admin();
        var me = ServerFixture.json(c.get("/store/auth/user", token).body());
        assertEquals("admin", me.get("user"));
        assertTrue(((String) me.get("uri")).startsWith(c.base() + "store/_principals/entry/"));
        assertTrue(me.containsKey("authTokenExpires"));
        var guest = ServerFixture.json(c.get("/store/auth/user", null).body());
        assertEquals("_guest", guest.get("user"));
    }

    @Test
    void aBadTokenIs401WithACookieClearingHeader() throws Exception {
        var res = c.get("/store/auth/user", "not-a-token");
        assertEquals(401, res.statusCode());
        String clear = res.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(clear.startsWith("auth_token=;") && clear.contains("Max-Age=0") && clear.contains("Path=/store/"), clear);
        assertEquals("Not authorized", ServerFixture.json(res.body()).get("error"));
    }

    @Test
    void logoutRevokesTheTokenEverywhere() throws Exception {
        String token = c.admin();
        assertEquals(200, c.get("/store/auth/user", token).statusCode());
        var out = c.get("/store/auth/logout", token);
        assertEquals(200, out.statusCode());
        assertTrue(out.body().contains("Logout successful"));
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, c.get("/store/auth/user", token).statusCode());
        assertEquals(401, c.addFile(token, c.base() + "store/x/resource/y", "a.csv", "a\n1\n").statusCode());
    }

    @Test
    void aTokenFromAnotherLoginWorksOnTheTaskrunnerWithoutAPath() throws Exception {
        String token = c.admin();
        // The cookie is sent bare, as the Taskrunner docs say clients must do.
        var res = c.addFile(token, c.base() + "store/nosuch/resource/1", "a.csv", "a\n1\n");
        assertEquals(404, res.statusCode(), res.body());
    }
}
