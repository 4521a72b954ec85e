package taskrunner.util;

import java.net.URI;
import java.util.Locale;

/** What the server compares of http and https URIs, decided in one place. */
public final class HttpUris {
    private HttpUris() {}

    /** The port a request to {@code u} goes to: its own, else its scheme's (443 for https, 80 otherwise). */
    public static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** True if {@code u} names its scheme's default port, given or not. */
    public static boolean defaultPort(URI u) {
        return port(u) == ("https".equalsIgnoreCase(u.getScheme()) ? 443 : 80);
    }

    /** The host, lower case ("" for none). */
    public static String host(URI u) {
        return u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    }
}
