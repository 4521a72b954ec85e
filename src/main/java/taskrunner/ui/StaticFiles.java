package taskrunner.ui;

import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's files, read from the jar ({@code /taskrunner/ui/}) once, at start.
 *
 * <p>Only the files named in {@link #TYPES} exist: a request names one of them exactly or
 * gets 404, so no path a client sends ({@code /ui/../}, {@code %2e%2e}, {@code %2f}, a
 * trailing slash) ever reaches the class path. Each is served with its Content-Type,
 * {@code nosniff} and {@link #CSP}: scripts and styles from this server only, nothing inline
 * and nothing from elsewhere, no framing.
 */
final class StaticFiles {
    /** Scripts, styles, images and requests only from this origin; no inline code; not framed. */
    static final String CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** Every file there is, and its Content-Type; each is {@code /ui/NAME} (the landing page also {@code /}). */
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "landing.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "md5.js", "text/javascript; charset=utf-8");

    private record File(String type, byte[] bytes) {}

    private final Map<String, File> files = new LinkedHashMap<>();

    StaticFiles() {
        for (var e : TYPES.entrySet()) {
            String resource = "/taskrunner/ui/" + e.getKey();
            try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("the jar lacks " + resource);
                files.put(e.getKey(), new File(e.getValue(), in.readAllBytes()));
            } catch (IOException x) {
                throw new UncheckedIOException("reading " + resource, x);
            }
        }
    }

    /**
     * {@code /ui} redirects to {@code /ui/} (so the page's relative links resolve), which is
     * {@code index.html}; {@code /ui/NAME} is one of the files. After the API's routes, which
     * the pattern {@code /ui/{name*}} would otherwise take.
     */
    void install(Router r) {
        for (String method : new String[] {"GET", "HEAD"}) {
            r.route(method, "/ui", DashboardApi.ERRORS, req -> switch (req.path()) {
                case "/ui" -> Response.empty(301).header("Location", "/ui/");
                case "/ui/" -> serve("index.html");
                default -> notFound(req);
            });
            r.route(method, "/ui/{name*}", DashboardApi.ERRORS, req -> {
                String name = req.param("name");
                return files.containsKey(name) && req.path().equals("/ui/" + name) ? serve(name) : notFound(req);
            });
        }
    }

    private static Response notFound(Request req) {
        return DashboardApi.ERRORS.error(req, 404, "not found");
    }

    /** One file with its type and the headers every page of ours carries. */
    Response serve(String name) {
        File f = files.get(name);
        return Response.bytes(200, f.type(), f.bytes())
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache");
    }
}
