package taskrunner.auth;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Ten failed logins of a name from one address in a minute: that pair gets 429 on every face until the minute passes. */
class LoginThrottleTest {
    static final AtomicLong now = new AtomicLong(Instant.parse("2026-12-01T12:00:00Z").toEpochMilli());
    static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = new Clock() {
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        fx = new ServerFixture(b -> b.clock(clock));
        var root = KazooClient.admin(fx);
        root.childWithUser("other", "carol", "carol-pw-1");
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static HttpResponse<String> kazoo(String user, String password) throws Exception {
        return fx.send(fx.request("/v2/user_auth").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"data\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}")));
    }

    private static HttpResponse<String> entryStore(String user, String password) throws Exception {
        return fx.send(fx.request("/store/auth/cookie").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("auth_username=" + user + "&auth_password=" + password)));
    }

    private static HttpResponse<String> ckan(String user, String password) throws Exception {
        return fx.send(fx.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password)));
    }

    @Test
    void tenFailuresRefuseThatNameFromThatAddressOnEveryFaceUntilTheWindowPasses() throws Exception {
        for (int i = 0; i < LoginThrottle.LIMIT; i++) assertEquals(401, kazoo("admin", "guess" + i).statusCode());
        var refused = kazoo("admin", ServerFixture.ADMIN_PASSWORD);
        assertEquals(429, refused.statusCode(), "even the right password: " + refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        assertEquals("429", String.valueOf(ServerFixture.json(refused.body()).get("error")), "Kazoo's envelope: " + refused.body());
        assertEquals(429, entryStore("admin", ServerFixture.ADMIN_PASSWORD).statusCode());
        assertEquals(429, ckan("admin", ServerFixture.ADMIN_PASSWORD).statusCode());
        assertEquals(201, kazoo("carol", "carol-pw-1").statusCode(), "another name from the same address is not affected");

        now.addAndGet(LoginThrottle.WINDOW_MS);
        assertEquals(201, kazoo("admin", ServerFixture.ADMIN_PASSWORD).statusCode(), "the window has passed");
    }
}
