package taskrunner.tasks.datapusher;

import taskrunner.util.HttpUris;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The CKAN sites a push may act on ({@code --datapusher-ckan-url}). A job names its site in
 * {@code metadata.ckan_url}, which anyone who can submit a job controls: without this list the
 * server would send its downloads and the job's {@code api_key} wherever a submitter asks.
 *
 * <p>Sites are compared as DataPusher builds its action URLs (a missing scheme is http, a
 * trailing slash does not count), with scheme and host case-insensitive and a default port
 * the same as none.
 */
record CkanSites(List<String> urls) {
    CkanSites {
        urls = List.copyOf(urls);
    }

    boolean allows(String ckanUrl) {
        String key = key(ckanUrl);
        if (key == null) return false;
        for (String u : urls) if (key.equals(key(u))) return true;
        return false;
    }

    /** DataPusher's {@code get_url} base: http:// when no scheme is given, no trailing slash. */
    static String base(String ckanUrl) {
        String u = ckanUrl.strip();
        if (!u.contains("://")) u = "http://" + u.replaceFirst("^/+", "");
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }

    /** scheme://host:port/path, normalised; null if it is no http(s) URL with a host. */
    private static String key(String url) {
        URI uri;
        try {
            uri = new URI(base(url));
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) return null;
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) return null;
        return origin(uri) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** scheme://host:port of an http(s) URI, lower case, the port always given: where a request goes. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme + "://" + HttpUris.host(uri) + ":" + HttpUris.port(uri);
    }
}
