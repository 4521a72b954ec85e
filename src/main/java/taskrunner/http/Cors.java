package taskrunner.http;

import taskrunner.util.HttpUris;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin resource sharing for every face, as Crossbar does it
 * ({@code api_util:add_cors_headers}): browser pages on other origins (Monster UI, an
 * EntryScape app) may call the server. The {@link Router} asks this class about every
 * exchange, so no face can forget it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Off (no origins): no CORS header is ever sent and OPTIONS is a method like any other.</li>
 *   <li>{@code *}: every origin gets {@code Access-Control-Allow-Origin: *} and never
 *       credentials (browsers refuse {@code *} with credentials), so the EntryStore cookie
 *       does not cross; X-Auth-Token (Kazoo, EntryScape) and Authorization (CKAN) do.</li>
 *   <li>A list: a listed origin gets itself echoed, {@code Access-Control-Allow-Credentials:
 *       true}; every response carries {@code Vary: Origin}, as it depends on the Origin. An
 *       origin not on the list gets no CORS header (its browser keeps the answer from its
 *       page) and its preflight a 403; the request itself is served as ever, since a
 *       same-origin page's POST carries an Origin too.</li>
 *   <li>Only a configured value is ever echoed, never what a client sent.</li>
 * </ul>
 */
public final class Cors {
    /** No cross-origin access: the server as it was before CORS. */
    public static final Cors OFF = new Cors(List.of());

    /** The value of {@code --cors-origins} that lets every origin in, without credentials. */
    public static final String ANY = "*";

    /**
     * What a preflight may ask for: Crossbar's list (so a client that passes Crossbar's
     * preflight passes this one) and what the other faces' clients send: Authorization (CKAN
     * keys), If-Unmodified-Since (entrystore.js on every metadata PUT), If-None-Match,
     * X-Request-ID. The request's Access-Control-Request-Headers is not echoed, as Crossbar
     * does not: a fixed list cannot grow with what a client sends.
     */
    static final String ALLOW_HEADERS = "Content-Type, Depth, User-Agent, X-HTTP-Method-Override, X-File-Size, "
            + "X-Requested-With, If-Modified-Since, X-File-Name, Cache-Control, X-Auth-Token, X-Kazoo-Cluster-ID, If-Match, "
            + "Authorization, If-Unmodified-Since, If-None-Match, X-Request-ID";

    /** Response headers a page may read beyond the safelisted ones: Crossbar's and ours (downloads, refusals). */
    static final String EXPOSE_HEADERS = "Content-Type, X-Auth-Token, X-Request-ID, Location, ETag, Last-Modified, "
            + "Content-Disposition, Retry-After";

    /** How long a browser may keep a preflight's answer, as Crossbar: a day. */
    static final String MAX_AGE = "86400";

    private final boolean any;
    private final Set<String> origins;

    private Cors(List<String> origins) {
        this.any = origins.equals(List.of(ANY));
        this.origins = any ? Set.of() : Set.copyOf(origins);
    }

    /**
     * The policy of {@code Config.corsOrigins}: empty is {@link #OFF}, {@code ["*"]} any
     * origin, else these origins, each as {@link #origins} makes them.
     */
    public static Cors of(List<String> origins) {
        return origins.isEmpty() ? OFF : new Cors(origins(origins));
    }

    /**
     * The setting's origins, checked and in the form browsers send them (lower case, no
     * default port, no trailing slash); {@code *} only alone.
     *
     * @throws IllegalArgumentException naming the value that is not an origin
     */
    public static List<String> origins(Collection<String> values) {
        if (values.contains(ANY)) {
            if (values.size() != 1) throw new IllegalArgumentException("* stands alone: it allows every origin");
            return List.of(ANY);
        }
        var out = new LinkedHashSet<String>();
        for (String v : values) out.add(origin(v));
        return List.copyOf(out);
    }

    private static String origin(String value) {
        String v = value == null ? "" : value.trim();
        URI u;
        try {
            u = new URI(v);
        } catch (URISyntaxException e) {
            u = null;
        }
        String path = u == null ? null : u.getRawPath();
        if (u == null || u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawQuery() != null || u.getRawFragment() != null || !(path == null || path.isEmpty() || path.equals("/"))) {
            throw new IllegalArgumentException("an origin is http(s)://host[:port] (no path, no wildcard), not '" + v + "'");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an origin is http or https, not '" + v + "'");
        }
        return scheme + "://" + HttpUris.host(u) + (HttpUris.defaultPort(u) ? "" : ":" + HttpUris.port(u));
    }

    public boolean on() {
        return any || !origins.isEmpty();
    }

    /** A preflight: OPTIONS with the two headers browsers send with it. */
    boolean isPreflight(String method, String origin, String requestMethod) {
        return on() && "OPTIONS".equals(method) && origin != null && requestMethod != null;
    }

    /** Whether a preflight from {@code origin} is answered (else 403). */
    boolean allows(String origin) {
        return any || origins.contains(origin);
    }

    /** The headers of any response to a request with this Origin (null: none sent). */
    List<Response.Header> responseHeaders(String origin) {
        var h = new ArrayList<Response.Header>(4);
        if (!on()) return h;
        if (!any) h.add(new Response.Header("Vary", "Origin"));
        if (origin == null || !allows(origin)) return h;
        if (any) {
            h.add(new Response.Header("Access-Control-Allow-Origin", ANY));
        } else {
            h.add(new Response.Header("Access-Control-Allow-Origin", origin));
            h.add(new Response.Header("Access-Control-Allow-Credentials", "true"));
        }
        h.add(new Response.Header("Access-Control-Expose-Headers", EXPOSE_HEADERS));
        return h;
    }

    /**
     * The answer to an allowed preflight for a path that has these methods: 200 with an empty
     * body, as Crossbar (cowboy answers its OPTIONS with 200); the router adds
     * {@link #responseHeaders}.
     */
    Response preflight(Collection<String> methods) {
        var allow = new LinkedHashSet<String>();
        allow.add("OPTIONS");
        allow.addAll(methods);
        return Response.empty(200)
                .header("Access-Control-Allow-Methods", String.join(", ", allow))
                .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .header("Access-Control-Max-Age", MAX_AGE);
    }
}
