package taskrunner.http;

import java.util.Objects;

/**
 * A cookie the server sets, and the one place a {@code Set-Cookie} value is written.
 *
 * <p>Invariant: the attributes always come in one order, {@code name=value; [Expires=D;]
 * Max-Age=N; SameSite=X; HttpOnly; [Secure;] Path=P} (EntryStore's order; {@code Max-Age} only
 * for a cookie that outlives the browser session); every cookie is HttpOnly, as none is for
 * scripts; a cookie is Secure exactly when it is SameSite=None, which browsers refuse without
 * Secure, and otherwise not, as the server speaks plain HTTP (with None, TLS must be in front).
 * Values are limited to RFC 6265 cookie-octets, so a value can never add an attribute.
 *
 * @param name          the cookie name, a token
 * @param path          the Path attribute
 * @param sameSite      the SameSite attribute
 * @param maxAgeSeconds lifetime in the browser, or {@link #SESSION} for a session cookie
 */
public record Cookie(String name, String path, SameSite sameSite, long maxAgeSeconds) {
    /** {@code maxAgeSeconds} of a cookie that ends with the browser session. */
    public static final long SESSION = -1;

    /** None: also sent with requests from pages of other sites (credentialed CORS); needs HTTPS. */
    public enum SameSite { Strict, Lax, None }

    public Cookie {
        if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) throw new IllegalArgumentException("bad cookie name " + name);
        if (path == null || !path.startsWith("/") || !path.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != ';')) throw new IllegalArgumentException("bad cookie path " + path);
        Objects.requireNonNull(sameSite, "sameSite");
        if (maxAgeSeconds < SESSION) throw new IllegalArgumentException("bad Max-Age " + maxAgeSeconds);
    }

    /** The Set-Cookie value that gives the browser this cookie with {@code value}. */
    public String set(String value) {
        if (value == null || !octets(value)) throw new IllegalArgumentException("a cookie value must be RFC 6265 cookie-octets");
        return header(value, maxAgeSeconds);
    }

    /** The Set-Cookie value that makes the browser drop this cookie at once (EntryStore's form). */
    public String clear() {
        return header("", 0, false);
    }

    /**
     * Like {@link #clear()}, with an {@code Expires} in 1970 before {@code Max-Age=0}: the form
     * Flask (so CKAN Service Provider) sends, for clients that read only Expires.
     */
    public String clearDated() {
        return header("", 0, true);
    }

    private String header(String value, long maxAge) {
        return header(value, maxAge, false);
    }

    private String header(String value, long maxAge, boolean dated) {
        var sb = new StringBuilder(name).append('=').append(value);
        if (dated) sb.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        if (maxAge != SESSION) sb.append("; Max-Age=").append(maxAge);
        sb.append("; SameSite=").append(sameSite).append("; HttpOnly");
        if (sameSite == SameSite.None) sb.append("; Secure");
        return sb.append("; Path=").append(path).toString();
    }

    /** RFC 6265 cookie-octet: printable US-ASCII except space, {@code " , ; \}. */
    private static boolean octets(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
        }
        return true;
    }
}
