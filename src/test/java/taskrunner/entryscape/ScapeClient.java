package taskrunner.entryscape;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.support.ServerFixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the EntryScape tests do over real HTTP: log in, send multipart bodies built by
 * hand, and set up a catalog with a distribution, its file and its API distribution the
 * way the README's walkthrough does. Public for the dashboard's tests, which make EntryScape jobs.
 */
public final class ScapeClient {
    static final String DCAT = "http://www.w3.org/ns/dcat#";
    static final String DCT = "http://purl.org/dc/terms/";
    static final String RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    static final String ES = "http://entrystore.org/terms/";

    private final java.util.function.Supplier<URI> base;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ScapeClient(ServerFixture fx) {
        this(() -> fx.server.uri());
    }

    /** For a server in another process: its address as it printed it. */
    public ScapeClient(java.util.function.Supplier<URI> base) {
        this.base = base;
    }

    String base() {
        return base.get().toString();
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.get().resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery));
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token as a header instead of the cookie: {@code X-Auth-Token:<token>} (EntryStore reads only the cookie). */
    static final String AS_HEADER = "X-Auth-Token:";

    /** The request carries {@code token} as EntryStore's auth_token cookie, or as {@link #AS_HEADER} says. */
    private static void authenticate(HttpRequest.Builder b, String token) {
        if (token == null) return;
        if (token.startsWith(AS_HEADER)) b.header("X-Auth-Token", token.substring(AS_HEADER.length()));
        else b.header("Cookie", "auth_token=" + token);
    }

    /** Logs in through /store/auth/cookie; returns the auth_token value. */
    public String login(String user, String password) throws Exception {
        var res = send(request("/store/auth/cookie").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("auth_username=" + enc(user) + "&auth_password=" + enc(password))));
        assertEquals(200, res.statusCode(), res.body());
        String setCookie = res.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring("auth_token=".length(), setCookie.indexOf(';'));
    }

    public String admin() throws Exception {
        return login("admin", ServerFixture.ADMIN_PASSWORD);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        var b = request(path).GET();
        authenticate(b, token);
        return send(b);
    }

    HttpResponse<String> getUri(String uri) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri)).GET());
    }

    HttpResponse<String> json(String method, String path, String token, Object body) throws Exception {
        var b = request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body instanceof String s ? s : JSON.std.asString(body)));
        authenticate(b, token);
        return send(b);
    }

    HttpResponse<String> csv(String method, String path, String token, String csv) throws Exception {
        var b = request(path).header("Content-Type", "text/csv").method(method, HttpRequest.BodyPublishers.ofString(csv));
        authenticate(b, token);
        return send(b);
    }

    /** A multipart/form-data body with one file part, as curl --form 'file=@name' sends it. */
    static byte[] multipart(String boundary, String field, String filename, String contentType, byte[] content) {
        var out = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    HttpResponse<String> upload(String method, String path, String token, String field, String filename, String type, String content) throws Exception {
        String boundary = "----scape" + System.nanoTime();
        var b = request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, field, filename, type, content.getBytes(StandardCharsets.UTF_8))));
        authenticate(b, token);
        return send(b);
    }

    public HttpResponse<String> addFile(String token, String resourceUri, String filename, String csv) throws Exception {
        return upload("POST", "/taskrunner/v1/distribution/addFile?resourceURI=" + enc(resourceUri), token, "file", filename, "text/csv", csv);
    }

    HttpResponse<String> replaceFile(String token, String resourceUri, String filename, String csv) throws Exception {
        return upload("POST", "/taskrunner/v1/distribution/replaceFile?resourceURI=" + enc(resourceUri), token, "file", filename, "text/csv", csv);
    }

    public Map<String, Object> job(String id) throws Exception {
        var res = get("/taskrunner/v1/job/" + id, null);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    /** Polls a job until it is Success or Failed; returns its last document. */
    public Map<String, Object> awaitJob(String id) throws Exception {
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Object>>();
        ServerFixture.await("job " + id + " to finish", Duration.ofSeconds(30), () -> {
            try {
                last.set(job(id));
                return "Success".equals(last.get().get("status")) || "Failed".equals(last.get().get("status"));
            } catch (Exception e) {
                return false;
            }
        });
        return last.get();
    }

    /** The rows of a RowStore query (path relative to the server), checking it answered 200. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> query(String pathAndQuery) throws Exception {
        var res = get(pathAndQuery, null);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Map<String, Object> uri(String v) {
        return Map.of("type", "uri", "value", v);
    }

    static Map<String, Object> lit(String v) {
        return Map.of("type", "literal", "value", v);
    }

    /** A catalog as EntryScape models it: context, distribution with one file, API distribution over a dataset. */
    public record Catalog(String ctx, String distUri, String fileUri, String apiUri, String datasetId, String datasetUrl) {}

    public Catalog catalog(String token, String ctx, String csv) throws Exception {
        var res = json("POST", "/store/_contexts?id=" + ctx + "&graphtype=context", token, null);
        assertEquals(201, res.statusCode(), res.body());
        String distUri = base() + "store/" + ctx + "/resource/dist";
        res = json("POST", "/store/" + ctx + "?id=dist&informationresource=false", token, Map.of("metadata",
                Map.of(base() + "store/" + ctx + "/resource/_newId", Map.of(RDF_TYPE, List.of(uri(DCAT + "Distribution")),
                        DCT + "title", List.of(lit("Air quality"))))));
        assertEquals(201, res.statusCode(), res.body());
        res = json("POST", "/store/" + ctx + "?id=file1", token, Map.of("metadata", Map.of(base() + "store/" + ctx + "/resource/_newId",
                Map.of(RDF_TYPE, List.of(uri("http://entryscape.com/terms/File")), DCT + "title", List.of(lit("first.csv"))))));
        assertEquals(201, res.statusCode(), res.body());
        String fileUri = base() + "store/" + ctx + "/resource/file1";
        res = upload("PUT", "/store/" + ctx + "/resource/file1", token, "file", "first.csv", "text/csv", csv);
        assertEquals(201, res.statusCode(), res.body());
        res = json("PUT", "/store/" + ctx + "/metadata/dist", token, Map.of(distUri, Map.of(
                RDF_TYPE, List.of(uri(DCAT + "Distribution")), DCT + "title", List.of(lit("Air quality")),
                DCAT + "downloadURL", List.of(uri(fileUri)), DCAT + "accessURL", List.of(uri(fileUri)),
                DCT + "format", List.of(lit("text/csv")))));
        assertEquals(204, res.statusCode(), res.body());
        res = csv("POST", "/rowstore/datasets", token, csv);
        assertEquals(202, res.statusCode(), res.body());
        var ds = ServerFixture.json(res.body());
        String url = (String) ds.get("url");
        res = json("POST", "/store/" + ctx + "?id=api&informationresource=false", token, Map.of("metadata",
                Map.of(base() + "store/" + ctx + "/resource/_newId", Map.of(RDF_TYPE, List.of(uri(DCAT + "Distribution")),
                        DCAT + "accessURL", List.of(uri(url)), DCT + "source", List.of(uri(distUri)),
                        DCT + "conformsTo", List.of(uri(url + "/swagger")), DCT + "format", List.of(lit("application/json"))))));
        assertEquals(201, res.statusCode(), res.body());
        return new Catalog(ctx, distUri, fileUri, base() + "store/" + ctx + "/resource/api", (String) ds.get("id"), url);
    }

    /** Asserts a refusal: this status, and EntryStore's {@code {"error": ...}} saying {@code words}. */
    static void refused(HttpResponse<String> res, int status, String words) throws Exception {
        assertEquals(status, res.statusCode(), res.body());
        Object error = ServerFixture.json(res.body()).get("error");
        org.junit.jupiter.api.Assertions.assertTrue(error instanceof String s && s.contains(words), res.body());
    }

    static Map<String, Object> bnode(String v) {
        return Map.of("type", "bnode", "value", v);
    }

    /** A context of {@code token}'s account; 201 expected. */
    void context(String token, String ctx) throws Exception {
        var res = json("POST", "/store/_contexts?id=" + ctx + "&graphtype=context", token, null);
        assertEquals(201, res.statusCode(), res.body());
    }

    /** A local file entry {@code id} holding {@code csv} as text/csv; returns its entry URI. */
    String fileEntry(String token, String ctx, String id, String csv) throws Exception {
        var res = json("POST", "/store/" + ctx + "?id=" + id, token, Map.of("metadata", Map.of()));
        assertEquals(201, res.statusCode(), res.body());
        res = upload("PUT", "/store/" + ctx + "/resource/" + id, token, "file", id + ".csv", "text/csv", csv);
        assertEquals(201, res.statusCode(), res.body());
        return base() + "store/" + ctx + "/entry/" + id;
    }

    /**
     * The RDF/JSON of a pipeline with one rowstore transform and these arguments, as
     * entrystore.js's {@code Pipeline.addTransform} writes it (blank nodes for the transform
     * and each argument).
     */
    static Map<String, Object> rowstorePipeline(String resourceUri, Map<String, String> args) {
        var g = new java.util.LinkedHashMap<String, Object>();
        g.put(resourceUri, Map.of(ES + "transform", List.of(bnode("_:t"))));
        var t = new java.util.LinkedHashMap<String, Object>();
        t.put(ES + "transformType", List.of(lit("rowstore")));
        var refs = new java.util.ArrayList<Object>();
        int i = 0;
        for (var a : args.entrySet()) {
            String b = "_:a" + i++;
            refs.add(bnode(b));
            g.put(b, Map.of(ES + "transformArgumentKey", List.of(lit(a.getKey())), ES + "transformArgumentValue", List.of(lit(a.getValue()))));
        }
        if (!refs.isEmpty()) t.put(ES + "transformArgument", refs);
        g.put("_:t", t);
        return g;
    }

    /**
     * The pipeline entry {@code id} of the context (made on first use, as EntryScape makes
     * {@code rowstorePipeline}) with its transform's arguments set to {@code args} by a PUT of
     * its resource; returns its entry URI.
     */
    String pipeline(String token, String ctx, String id, Map<String, String> args) throws Exception {
        if (get("/store/" + ctx + "/entry/" + id, token).statusCode() == 404) {
            var res = json("POST", "/store/" + ctx + "?id=" + id + "&graphtype=pipeline", token, null);
            assertEquals(201, res.statusCode(), res.body());
        }
        var res = json("PUT", "/store/" + ctx + "/resource/" + id, token, rowstorePipeline(base() + "store/" + ctx + "/resource/" + id, args));
        assertEquals(204, res.statusCode(), res.body());
        return base() + "store/" + ctx + "/entry/" + id;
    }

    /** {@code POST /store/{ctx}/execute}; source may be null. */
    HttpResponse<String> execute(String token, String ctx, String pipelineUri, String sourceUri) throws Exception {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("pipeline", pipelineUri);
        if (sourceUri != null) body.put("source", sourceUri);
        return json("POST", "/store/" + ctx + "/execute", token, body);
    }

    /** {@code GET /store/proxy?url=...}. */
    HttpResponse<String> proxy(String url, String token) throws Exception {
        return get("/store/proxy?url=" + enc(url), token);
    }

    /** A CSV with a header and rows {@code prefix-i}. */
    public static String rows(String header, String prefix, int from, int to) {
        var sb = new StringBuilder(header).append('\n');
        for (int i = from; i <= to; i++) sb.append(prefix).append(i).append(',').append(i * 10).append('\n');
        return sb.toString();
    }
}
