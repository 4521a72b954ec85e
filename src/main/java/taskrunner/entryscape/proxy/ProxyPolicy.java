package taskrunner.entryscape.proxy;

import taskrunner.util.HttpUris;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What EntryStore's proxy may answer for: a URL of this server's own RowStore (answered
 * in-process), or a URL on a host the operator lists ({@code --proxy-allow}, fetched);
 * nothing else. A stateless judgement of the URL alone, the same for every caller.
 *
 * <p>Invariants: a URL is judged by the host and port it would connect to, as
 * {@link java.net.URI} (the parser {@link java.net.http.HttpClient} uses) reads them, so
 * {@code http://listed@evil/} is evil's; a URL with user information is refused outright
 * (nothing is ever fetched with credentials); only {@code http} and {@code https}; hosts are
 * compared exactly, lower-cased, so an IP address, {@code localhost} or another spelling of a
 * listed host is refused unless it is listed as such; a listed host without a port allows only
 * its scheme's default port; of this server's own URLs only those under
 * {@code <base>rowstore/} are served (after dot segments are resolved), and this server is
 * never fetched over the network, listed or not.
 */
final class ProxyPolicy {
    /** What to do with a URL. */
    sealed interface Decision permits Own, Remote, Refused {}

    /** This server's RowStore: answer {@code target} (path and raw query) in-process. */
    record Own(String target) implements Decision {}

    /** A listed host: fetch {@code uri} (without its fragment). */
    record Remote(URI uri) implements Decision {}

    /** Neither: answer {@code status} with {@code message}. */
    record Refused(int status, String message) implements Decision {}

    private static final Set<String> SCHEMES = Set.of("http", "https");

    private final Supplier<URI> base;
    private final List<String> allow;

    /** @param allow {@code host} or {@code host:port} entries, lower-case ({@link taskrunner.Config#proxyAllow}) */
    ProxyPolicy(Supplier<URI> base, List<String> allow) {
        this.base = base;
        this.allow = List.copyOf(allow);
    }

    Decision judge(String url) {
        if (url == null || url.isBlank()) return new Refused(400, "The url parameter is required");
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            return new Refused(400, "The url is not a URL: " + e.getMessage());
        }
        if (!u.isAbsolute()) return new Refused(400, "The url must be an absolute http or https URL: " + url);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) return new Refused(403, "The proxy fetches only http and https URLs, not " + scheme + ":");
        if (u.getRawUserInfo() != null) return new Refused(403, "The proxy fetches no URL with a user name or password in it");
        if (u.getHost() == null) return new Refused(403, "The url has no host the proxy may fetch from: " + url);
        String host = u.getHost().toLowerCase(Locale.ROOT);
        int port = HttpUris.port(u);
        String rawPath = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        URI self = base.get();
        if (scheme.equals(self.getScheme()) && host.equals(self.getHost().toLowerCase(Locale.ROOT)) && port == HttpUris.port(self)) {
            String path = URI.create(rawPath).normalize().getRawPath();
            String rowstore = self.getRawPath() + "rowstore/";
            if (!path.startsWith(rowstore)) {
                return new Refused(403, "Of this server, the proxy serves only its RowStore (" + self + "rowstore/...): " + url);
            }
            return new Own("/" + path.substring(self.getRawPath().length()) + query);
        }
        boolean listed = allow.contains(host + ":" + port) || (HttpUris.defaultPort(u) && allow.contains(host));
        if (!listed) {
            return new Refused(403, "The proxy fetches only this server's RowStore and the hosts the operator allows"
                    + " (--proxy-allow); not " + host + ":" + port);
        }
        return new Remote(URI.create(scheme + "://" + u.getRawAuthority() + rawPath + query));
    }

}
