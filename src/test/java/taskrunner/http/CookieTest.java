package taskrunner.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CookieTest {
    private static final Cookie LASTING = new Cookie("auth_token", "/store/", Cookie.SameSite.Strict, 31_536_000);
    private static final Cookie SESSION = new Cookie("session", "/", Cookie.SameSite.Lax, Cookie.SESSION);

    @Test
    void attributesComeInOneOrder() {
        assertEquals("auth_token=abc-_9; Max-Age=31536000; SameSite=Strict; HttpOnly; Path=/store/", LASTING.set("abc-_9"));
        assertEquals("session=abc; SameSite=Lax; HttpOnly; Path=/", SESSION.set("abc"));
    }

    @Test
    void sameSiteNoneIsAlwaysSecureSinceBrowsersDropItOtherwise() {
        var none = new Cookie("auth_token", "/store/", Cookie.SameSite.None, 31_536_000);
        assertEquals("auth_token=abc; Max-Age=31536000; SameSite=None; HttpOnly; Secure; Path=/store/", none.set("abc"));
        assertEquals("auth_token=; Max-Age=0; SameSite=None; HttpOnly; Secure; Path=/store/", none.clear());
    }

    @Test
    void clearingSetsAnEmptyValueThatExpiresAtOnce() {
        assertEquals("auth_token=; Max-Age=0; SameSite=Strict; HttpOnly; Path=/store/", LASTING.clear());
        assertEquals("session=; Max-Age=0; SameSite=Lax; HttpOnly; Path=/", SESSION.clear());
    }

    @Test
    void aValueCannotAddAttributes() {
        for (String bad : new String[] {"a;Path=/", "a b", "a,b", "\"a\"", "a\\b", "\u00e9", "a\r\nX: y", null}) {
            assertThrows(IllegalArgumentException.class, () -> SESSION.set(bad), String.valueOf(bad));
        }
        assertEquals("session=; SameSite=Lax; HttpOnly; Path=/", SESSION.set(""));
    }

    @Test
    void nameAndPathAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Cookie("a b", "/", Cookie.SameSite.Lax, 1));
        assertThrows(IllegalArgumentException.class, () -> new Cookie("a=", "/", Cookie.SameSite.Lax, 1));
        assertThrows(IllegalArgumentException.class, () -> new Cookie("a", "store/", Cookie.SameSite.Lax, 1));
        assertThrows(IllegalArgumentException.class, () -> new Cookie("a", "/x;Secure", Cookie.SameSite.Lax, 1));
        assertThrows(IllegalArgumentException.class, () -> new Cookie("a", "/", Cookie.SameSite.Lax, -2));
    }
}
