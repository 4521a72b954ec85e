package taskrunner.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import taskrunner.util.CurrentRequest;
import taskrunner.util.RandomIds;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hand-written router behind the one JDK HttpServer context. Routes are
 * {@code METHOD /literal/{param}/...} patterns; a trailing {@code {name*}} takes the rest of
 * the path. The first registered match wins.
 *
 * <p>Invariant: every exchange is ended exactly once, whatever the handler does: its
 * response, an {@link HttpError}'s response, or the face's error envelope for a missing
 * route (404), a wrong method (405), a preflight from an origin CORS does not allow (403),
 * headers over the limits (431), a path and query longer
 * than {@code maxUriChars} (414), a body over the route's
 * limit (413), a malformed body (400), the failures declared with {@link #refuse} (a full
 * queue: 503, a full disk: 507) and anything unexpected (500, logged with the request id).
 *
 * <p>Header limits: at most {@code maxHeaders} header lines, and at most
 * {@code maxHeaderBytes} counted as each line's name and value plus 32 (RFC 9113's measure,
 * the one the JDK server uses). The JDK server has limits of its own, system properties it
 * reads once ({@code sun.net.httpserver.maxReqHeaders}, {@code .maxReqHeaderSize}); a request
 * over those is dropped before it reaches this class, so they should lie above these.
 *
 * <p>CORS ({@link #cors}): when on, every response, whichever branch made it, passes
 * {@link Cors#responseHeaders} on its way out, and a preflight ({@code OPTIONS} with Origin
 * and Access-Control-Request-Method) for a path some route matches is answered here, before
 * any handler and so without authentication, with that path's methods.
 */
public final class Router implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    /** Handles one request; runs on a virtual thread per request. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request req) throws Exception;
    }

    /**
     * Hears of every exchange once its response is decided, just before it is sent, so a
     * client that has its answer finds it counted (metrics). Threading: called on the
     * request threads, concurrently; must be quick and must not throw.
     */
    @FunctionalInterface
    public interface Exchanges {
        /**
         * @param face   the envelope the exchange was answered in (a face, or an envelope of routes outside the faces)
         * @param route  the pattern of the route that matched, as registered; null if none did
         * @param status the status about to be sent (the client may go away before it arrives)
         */
        void ended(ErrorEnvelope face, String method, String route, int status);
    }

    private record Route(String method, String pattern, String[] parts, ErrorEnvelope face, long maxBody, Handler handler) {}

    private record Prefix(String prefix, ErrorEnvelope face) {}

    /**
     * A body declared over its route's limit is still read (and dropped) up to this size before
     * the 413: most clients send the whole body before they read the answer, and the JDK server
     * resets a connection it closes on unread bytes, so without this they see a reset, not the
     * 413. Past it, closing costs less than reading.
     */
    static final long READ_BEFORE_REFUSING = 8 << 20;

    private final List<Route> routes = new ArrayList<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final long defaultMaxBody;
    private final int maxHeaders;
    private final long maxHeaderBytes;
    private final int maxUriChars;
    private ErrorEnvelope fallback = (req, status, message) -> Response.json(status, Map.of("error", message));
    private Cors cors = Cors.OFF;
    private Exchanges exchanges = (face, method, route, status) -> {};

    /** A failure type the router answers with a status of its own instead of a 500. */
    private record Refusal(Class<? extends Throwable> type, int status, String header, String value) {}

    private final List<Refusal> refusals = new ArrayList<>();

    /**
     * Answers a handler's {@code type} exception (thrown, or the cause of what was thrown)
     * with {@code status} (and one header, if not null) in the face's envelope, its message
     * as the error: e.g. a full queue as 503 with Retry-After. Before the server starts.
     */
    public Router refuse(Class<? extends Throwable> type, int status, String header, String value) {
        refusals.add(new Refusal(type, status, header, value));
        return this;
    }

    /** The refusal declared for {@code e} or its nearest cause that has one; with that exception. */
    private record Refused(Refusal refusal, Throwable cause) {}

    private Refused refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Refusal r : refusals) if (r.type().isInstance(t)) return new Refused(r, t);
        }
        return null;
    }

    public Router(long defaultMaxBody, int maxHeaders, long maxHeaderBytes, int maxUriChars) {
        this.defaultMaxBody = defaultMaxBody;
        this.maxUriChars = maxUriChars;
        this.maxHeaders = maxHeaders;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    public Router route(String method, String pattern, ErrorEnvelope face, Handler handler) {
        return route(method, pattern, face, defaultMaxBody, handler);
    }

    public Router route(String method, String pattern, ErrorEnvelope face, long maxBody, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), face, maxBody, handler));
        return this;
    }

    /** Tells {@code listener} of every exchange once it is answered. Before the server starts; one listener. */
    public Router observe(Exchanges listener) {
        this.exchanges = listener;
        return this;
    }

    /**
     * Wraps the handler of a route registered before, with the same method and pattern:
     * content negotiation on a path a face owns (the landing page for browsers on CKAN's
     * {@code GET /}). The route keeps its place, envelope and body limit.
     *
     * @throws IllegalArgumentException if no such route is registered
     */
    public Router wrap(String method, String pattern, java.util.function.UnaryOperator<Handler> wrapper) {
        String[] parts = split(pattern);
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (r.method.equals(method) && java.util.Arrays.equals(r.parts, parts)) {
                routes.set(i, new Route(r.method, r.pattern, r.parts, r.face, r.maxBody, wrapper.apply(r.handler)));
                return this;
            }
        }
        throw new IllegalArgumentException("no route " + method + " " + pattern + " to wrap");
    }

    /** Paths under {@code prefix} that match no route get this face's 404. */
    public Router face(String prefix, ErrorEnvelope face) {
        prefixes.add(new Prefix(prefix, face));
        prefixes.sort((a, b) -> b.prefix.length() - a.prefix.length());
        return this;
    }

    /** Cross-origin access for every route; {@link Cors#OFF} unless set. Before the server starts. */
    public Router cors(Cors cors) {
        this.cors = java.util.Objects.requireNonNull(cors, "cors");
        return this;
    }

    /** The face for paths no prefix claims. */
    public Router fallback(ErrorEnvelope face) {
        this.fallback = face;
        return this;
    }

    @Override
    public void handle(HttpExchange ex) {
        var watch = ExchangeDeadlines.current();
        watch.headersRead();
        String rid = ex.getRequestHeaders().getFirst("X-Request-ID");
        if (rid == null || rid.isEmpty() || rid.length() > 64 || !printableAscii(rid)) rid = RandomIds.weakHex(16);
        CurrentRequest.set(rid);
        Answer answer = respond(ex, rid, watch);
        // counted before it is sent, so a client that has its answer finds it counted
        exchanges.ended(answer.face(), ex.getRequestMethod(), answer.route(), answer.response().status);
        send(ex, answer.response(), rid, ex.getRequestHeaders().getFirst("Origin"), watch);
        CurrentRequest.clear();
    }

    /** What answered an exchange: the response, the envelope it is in, the route pattern that matched (or null). */
    private record Answer(Response response, ErrorEnvelope face, String route) {}

    /**
     * The answer to a request this server makes of itself ({@code target} is a path and raw
     * query, e.g. EntryStore's proxy reading this server's RowStore): the same routes, handlers
     * and error envelopes a client's request gets, without the network. It carries no headers
     * and no body, so it is a guest's request; {@code requestId} names it in log lines.
     */
    public Response local(String method, String target, String requestId) {
        return respond(new LocalExchange(method, URI.create(target)), requestId, ExchangeDeadlines.NONE).response();
    }

    /** Routes one exchange to its answer; every failure becomes the face's error response. */
    private Answer respond(HttpExchange ex, String rid, ExchangeDeadlines.Watch watch) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        ErrorEnvelope face = fallback;
        Request req = null;
        Response res;
        try {
            URI uri = ex.getRequestURI();
            String path = uri.getPath();
            if (path == null || path.contains("\0")) path = "/";
            face = faceFor(path);
            String[] parts = split(path);
            Route match = null;
            Map<String, String> params = null;
            Set<String> allowed = new LinkedHashSet<>();
            // A preflight is the router's to answer, even where a face has OPTIONS routes (CKAN's Flask ones).
            boolean preflight = cors.isPreflight(ex.getRequestMethod(), origin,
                    ex.getRequestHeaders().getFirst("Access-Control-Request-Method"));
            for (Route r : routes) {
                Map<String, String> p = match(r.parts, parts);
                if (p == null) continue;
                if (!preflight && r.method.equals(ex.getRequestMethod())) {
                    match = r;
                    params = p;
                    break;
                }
                allowed.add(r.method);
            }
            long limit = match == null ? 0 : match.maxBody;
            req = new Request(ex, path, rid, limit, watch);
            if (match != null) req.route(match.pattern);
            String overLimit = headersOverLimit(ex.getRequestHeaders());
            int target = uri.toString().length(); // as sent: the JDK keeps the raw string
            if (overLimit != null) {
                if (match != null) face = match.face;
                res = face.error(req, 431, overLimit);
            } else if (target > maxUriChars) {
                if (match != null) face = match.face;
                res = face.error(req, 414, "request target longer than " + maxUriChars + " characters");
            } else if (preflight && !allowed.isEmpty()) {
                res = cors.allows(origin) ? cors.preflight(allowed) : face.error(req, 403, "origin not allowed");
            } else if (match == null) {
                if (allowed.isEmpty()) {
                    res = face.error(req, 404, "not found");
                } else {
                    res = face.error(req, 405, "method not allowed").header("Allow", String.join(", ", allowed));
                }
            } else {
                face = match.face;
                req.pathParams(params);
                String cl = ex.getRequestHeaders().getFirst("Content-Length");
                if (cl != null && parseLong(cl) > limit) {
                    if (parseLong(cl) <= READ_BEFORE_REFUSING) req.discardBody();
                    res = face.error(req, 413, "request body larger than " + limit + " bytes");
                } else {
                    res = match.handler.handle(req);
                }
            }
        } catch (HttpError e) {
            res = e.response();
        } catch (BodyTooLarge e) {
            res = face.error(req, 413, e.getMessage());
        } catch (Request.MalformedBody e) {
            res = face.error(req, 400, e.getMessage());
        } catch (Throwable e) {
            Refused refused = refusal(e);
            if (refused != null) {
                Refusal r = refused.refusal();
                res = face.error(req, r.status(), refused.cause().getMessage());
                if (r.header() != null) res = res.header(r.header(), r.value());
            } else {
                LOG.log(Level.SEVERE, "request " + rid + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " failed", e); // raw: a %0D%0A cannot split the line
                try {
                    res = face.error(req, 500, "internal error");
                } catch (RuntimeException e2) {
                    res = Response.text(500, "text/plain", "internal error\n");
                }
            }
        }
        return new Answer(res, face, req == null ? null : req.route());
    }

    /** Whether a client's request id may go into log lines as it is (no regex on every request). */
    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < 0x21 || s.charAt(i) > 0x7e) return false;
        return true;
    }

    /**
     * A header value the JDK server can write: it writes each char as one byte and drops the
     * connection on line breaks, so characters outside Latin-1 become {@code ?} and control
     * characters go (a stored mimetype or name with them still gets its response).
     */
    static String headerSafe(String v) {
        if (v == null) return "";
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c > 0xff || c < 0x20 || c == 0x7f) return v.replaceAll("[\\p{Cntrl}]", "").replaceAll("[^\\x00-\\xff]", "?");
        }
        return v;
    }

    private void send(HttpExchange ex, Response res, String rid, String origin, ExchangeDeadlines.Watch watch) {
        try {
            var h = ex.getResponseHeaders();
            for (Response.Header header : res.headers) h.add(header.name(), headerSafe(header.value()));
            for (Response.Header header : cors.responseHeaders(origin)) h.add(header.name(), headerSafe(header.value()));
            if (!h.containsKey("X-Request-ID")) h.set("X-Request-ID", rid);
            boolean head = "HEAD".equals(ex.getRequestMethod());
            if (res.bytes != null) {
                boolean noBody = head || res.status == 204 || res.status == 304 || res.bytes.length == 0;
                sendHeaders(ex, watch, res.status, noBody ? -1 : res.bytes.length);
                if (!noBody) {
                    try (OutputStream out = watch.writes(ex.getResponseBody(), SENDING)) {
                        out.write(res.bytes);
                    }
                }
            } else {
                sendHeaders(ex, watch, res.status, res.length < 0 ? 0 : (res.length == 0 ? -1 : res.length));
                if (res.length != 0) {
                    try (OutputStream out = watch.writes(ex.getResponseBody(), SENDING)) {
                        res.stream.writeTo(out);
                    }
                }
            }
        } catch (IOException e) {
            LOG.fine("request " + rid + ": client went away: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "request " + rid + ": writing the response failed", e);
        } finally {
            // Closing reads what is left of an unread body, which a stalled client must not hold up forever.
            watch.io("reading the rest of an unread request body", () -> {
                ex.close();
                return null;
            });
        }
    }

    private static final String SENDING = "sending the response";

    private static void sendHeaders(HttpExchange ex, ExchangeDeadlines.Watch watch, int status, long length) throws IOException {
        watch.io(SENDING, () -> {
            ex.sendResponseHeaders(status, length);
            return null;
        });
    }

    /** Why the headers are over a limit, or null. */
    private String headersOverLimit(Map<String, List<String>> headers) {
        long lines = 0, bytes = 0;
        for (var e : headers.entrySet()) {
            for (String value : e.getValue()) {
                lines++;
                bytes += e.getKey().length() + value.length() + 32;
            }
        }
        if (lines > maxHeaders) return "more than " + maxHeaders + " request headers";
        if (bytes > maxHeaderBytes) return "request headers larger than " + maxHeaderBytes + " bytes";
        return null;
    }

    private ErrorEnvelope faceFor(String path) {
        for (Prefix p : prefixes) if (path.equals(p.prefix) || path.startsWith(p.prefix + "/")) return p.face;
        return fallback;
    }

    private static String[] split(String path) {
        var out = new ArrayList<String>();
        for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
        return out.toArray(String[]::new);
    }

    private static Map<String, String> match(String[] pattern, String[] parts) {
        if (!matches(pattern, parts)) return null; // most routes tried do not match: they allocate nothing
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (!(p.startsWith("{") && p.endsWith("}"))) continue; // a literal segment
            if (params == null) params = new HashMap<>();
            if (p.endsWith("*}")) {
                params.put(p.substring(1, p.length() - 2), String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
                return params;
            }
            params.put(p.substring(1, p.length() - 1), parts[i]);
        }
        return params == null ? Map.of() : params;
    }

    /**
     * Whether {@code parts} fit {@code pattern}: a literal segment equals its part, {@code {name}}
     * takes any one part, a last {@code {name*}} the one or more parts left.
     */
    private static boolean matches(String[] pattern, String[] parts) {
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("*}")) return i < parts.length;
            if (i >= parts.length) return false;
            if (!(p.startsWith("{") && p.endsWith("}")) && !p.equals(parts[i])) return false;
        }
        return pattern.length == parts.length;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
