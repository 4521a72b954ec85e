package taskrunner.http;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as handlers see it: method, decoded path, path parameters, query
 * parameters (first value wins; all values via {@link #queryAll}), headers, cookies and a
 * body that cannot be read past the route's size limit.
 */
public final class Request {
    private final HttpExchange exchange;
    private final String path;
    private final Map<String, List<String>> query;
    private final String requestId;
    private final long bodyLimit;
    private Map<String, String> pathParams = Map.of();
    private String route;
    private final ExchangeDeadlines.Watch watch;
    private InputStream body;

    Request(HttpExchange exchange, String path, String requestId, long bodyLimit, ExchangeDeadlines.Watch watch) {
        this.watch = watch;
        this.exchange = exchange;
        this.path = path;
        this.query = parseForm(exchange.getRequestURI().getRawQuery());
        this.requestId = requestId;
        this.bodyLimit = bodyLimit;
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    void route(String pattern) {
        this.route = pattern;
    }

    /** The pattern of the route this request matched ({@code /job/{id}}), or null if none did. */
    public String route() {
        return route;
    }

    /** The client's IP address as the connection shows it (no proxy header is trusted). */
    public String clientAddress() {
        var a = exchange.getRemoteAddress();
        return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return path;
    }

    public String requestId() {
        return requestId;
    }

    public String param(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        return first(query, name);
    }

    /** The first value of a field of a parsed form ({@link #bodyForm}, a query), or null. */
    public static String first(Map<String, List<String>> form, String name) {
        var v = form.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public Map<String, List<String>> queryMap() {
        return Collections.unmodifiableMap(query);
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The media type of the Content-Type, lower-cased and without parameters
     * ({@code "text/csv"} for {@code Text/CSV; charset=utf-8}); null without a Content-Type.
     */
    public String mediaType() {
        String ct = header("Content-Type");
        return ct == null ? null : ct.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether the Accept header allows {@code type} (e.g. {@code application/json}): no
     * Accept, or a range that matches it (any type, any subtype of its type, or the type itself)
     * with a q above 0.
     */
    public boolean accepts(String type) {
        String accept = header("Accept");
        if (accept == null || accept.isBlank()) return true;
        String major = type.substring(0, type.indexOf('/') + 1);
        for (String range : accept.split(",")) {
            String[] params = range.split(";");
            String t = params[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!t.equals("*/*") && !t.equals(major + "*") && !t.equals(type)) continue;
            boolean refused = false;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                if (p.startsWith("q=")) refused = p.substring(2).trim().matches("0(\\.0{0,3})?");
            }
            if (!refused) return true;
        }
        return false;
    }

    /** The value of one cookie from the Cookie header(s), or null. */
    public String cookie(String name) {
        for (String h : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : h.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    String v = part.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
                    return v;
                }
            }
        }
        return null;
    }

    /**
     * The body as a stream that fails with {@link BodyTooLarge} past the route's limit; a client
     * that stops sending it is cut after the idle time ({@link ExchangeDeadlines}).
     */
    public InputStream body() {
        if (body == null) body = new LimitedInputStream(watch.reads(exchange.getRequestBody(), "reading the request body"), bodyLimit);
        return body;
    }

    /** Reads the body to its end and drops it (the route's limit does not apply). */
    void discardBody() throws IOException {
        watch.reads(exchange.getRequestBody(), "reading the request body").transferTo(java.io.OutputStream.nullOutputStream());
    }

    /** The whole body (only for routes whose limit keeps it small). */
    public byte[] bodyBytes() throws IOException {
        return bodyBytes(bodyLimit);
    }

    /**
     * The whole body, refused with {@link BodyTooLarge} past {@code max} bytes. Sized from
     * Content-Length when there is one, so a small body costs one small array.
     */
    public byte[] bodyBytes(long max) throws IOException {
        long declared = contentLength();
        if (declared > max) throw new BodyTooLarge(max);
        if (declared >= 0) {
            byte[] b = body().readNBytes((int) declared);
            if (b.length < declared) throw new MalformedBody("body shorter than its Content-Length");
            return b;
        }
        byte[] b = body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) throw new BodyTooLarge(max);
        return b;
    }

    private long contentLength() {
        String cl = header("Content-Length");
        if (cl == null) return -1;
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The body parsed as a JSON value (Map, List, String, Number, Boolean or null); null for
     * an empty body.
     *
     * @throws MalformedBody if it is not JSON
     */
    public Object bodyJson() throws IOException {
        return bodyJson(bodyLimit);
    }

    /** As {@link #bodyJson()}, refused with {@link BodyTooLarge} past {@code max} bytes. */
    public Object bodyJson(long max) throws IOException {
        byte[] b = bodyBytes(max);
        if (isBlank(b)) return null;
        try {
            return taskrunner.Json.STD.anyFrom(b);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new MalformedBody(e.getOriginalMessage());
        }
    }

    /** The body parsed as an application/x-www-form-urlencoded form. */
    public Map<String, List<String>> bodyForm() throws IOException {
        return parseForm(new String(bodyBytes(), StandardCharsets.UTF_8));
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return false;
        return true;
    }

    /** The body was not what the route accepts. */
    public static final class MalformedBody extends IOException {
        public MalformedBody(String message) {
            super(message);
        }
    }

    public static Map<String, List<String>> parseForm(String raw) {
        var m = new LinkedHashMap<String, List<String>>();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray % is kept as sent rather than failing the request
        }
    }
}
