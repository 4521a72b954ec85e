package taskrunner.tasks.datapusher;

import taskrunner.Config;
import taskrunner.ckan.PyJson;
import taskrunner.core.JobTaskType;
import taskrunner.core.JobTaskType.JobContext;
import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.TaskContext.StoppedException;
import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRowReader;
import taskrunner.csv.TooLarge;
import taskrunner.store.BlobStore;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;

/**
 * The job type {@code push_to_datastore}: CKAN's DataPusher (0.0.21, {@code datapusher/jobs.py})
 * as a job of the CKAN face, so CKAN's {@code ckanext-datapusher} works against this server
 * unchanged. Offered only when {@code --datapusher-ckan-url} lists the CKAN sites it may act on.
 *
 * <p>Its steps, in DataPusher's order and with its log lines and error texts:
 * <ol>
 * <li>the submission must hold {@code metadata} with {@code resource_id} and {@code ckan_url},
 *     and an {@code api_key}; a {@code ckan_url} not listed ends the job before any call
 *     ({@link CkanSites});
 * <li>{@code resource_show}, once more after 5 s if it failed for another reason than the key;
 * <li>a resource with {@code url_type} "datastore" is done ("Dump files are managed with the
 *     Datastore API"); only http and https URLs are fetched; an "upload" is fetched from
 *     {@code ckan_url} with the {@code api_key} ({@link Download});
 * <li>an unchanged MD5 {@code hash} is done ("The file hash hasn't changed"), unless
 *     {@code ignore_hash};
 * <li>spreadsheets end the job ({@link TableFile}); {@code datastore_search} with {@code limit 0}
 *     reads the existing table's {@code info} ({@code type_override}, the data dictionary);
 * <li>a first pass over the whole file decides the columns' types ({@link ColumnTypes}), in
 *     UTF-8, or windows-1252 when the file is not UTF-8;
 * <li>the existing table is deleted ({@code datastore_delete}, {@code force});
 * <li>a second pass sends the rows, {@value #CHUNK_ROWS} at a time ({@code datastore_create},
 *     {@code force}, {@code calculate_record_count} on the last);
 * <li>with {@code set_url_type}, {@code resource_update} with the whole resource, its
 *     {@code url_type} "datapusher" and the new {@code hash}.
 * </ol>
 *
 * <p>Memory does not grow with the file: the download streams to a blob, each pass holds one
 * row, the load one chunk. A load that CKAN refuses after its first chunk deletes the part
 * loaded, so no half table is left; a stop ends the step in flight ({@link InFlight}) and leaves
 * what was loaded (a rerun deletes and loads it again, so the type is safe to rerun).
 *
 * <p>Threading: one instance serves every push; each run is on its job's own thread and shares
 * only the HTTP client and the blob store, both thread-safe.
 */
public final class PushToDatastore {
    public static final String NAME = "push_to_datastore";
    static final int CHUNK_ROWS = 250;
    /** DataPusher's pause before asking for the resource again ("in case CKAN is slow at adding it"). */
    static final Duration RESOURCE_RETRY = Duration.ofSeconds(5);

    private final CkanSites sites;
    private final BlobStore blobs;
    private final CsvLimits limits;
    private final HttpClient http;
    private final Download download;

    private PushToDatastore(Config config, BlobStore blobs) {
        this.sites = new CkanSites(config.datapusherCkanUrls());
        this.blobs = blobs;
        this.limits = config.csvLimits();
        Duration idle = Duration.ofSeconds(config.datapusherDownloadIdleS());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(idle)
                .followRedirects(HttpClient.Redirect.NEVER) // Download follows them itself, with its rules
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.download = new Download(http, blobs, config.datapusherMaxBytes(), idle,
                Duration.ofSeconds(config.datapusherDownloadTimeoutS()));
    }

    /** The job type, asynchronous and safe to run again after a crash. */
    public static JobTaskType type(Config config, BlobStore blobs) {
        var push = new PushToDatastore(config, blobs);
        return new JobTaskType(NAME, true, true, (data, ctx) -> push.run(ctx));
    }

    private Object run(JobContext ctx) throws JobError, StoppedException, IOException {
        Map<String, Object> input = ctx.submission();
        if (!(input.get("metadata") instanceof Map<?, ?> metadata)) throw new JobError("Metadata missing");
        if (!metadata.containsKey("resource_id")) throw new JobError("No id provided.");
        if (!metadata.containsKey("ckan_url")) throw new JobError("No ckan_url provided.");
        if (!PyJson.truthy(input.get("api_key"))) throw new JobError("No CKAN API key provided");
        String ckanUrl = String.valueOf(metadata.get("ckan_url"));
        if (!sites.allows(ckanUrl)) {
            throw new JobError("ckan_url " + ckanUrl + " is not a CKAN site this DataPusher may push to"
                    + " (the server's --datapusher-ckan-url lists those).");
        }
        Object resourceId = metadata.get("resource_id");
        String apiKey = String.valueOf(input.get("api_key"));
        try (var inFlight = new InFlight(ctx)) {
            var ckan = new CkanActions(http, ckanUrl, apiKey, inFlight);
            var resource = new LinkedHashMap<>(resourceShow(ckan, resourceId, ctx));
            if ("datastore".equals(resource.get("url_type"))) {
                ctx.log("INFO", "Dump files are managed with the Datastore API");
                return null;
            }
            boolean upload = "upload".equals(resource.get("url_type"));
            String url = fileUrl(resource, upload, ckanUrl);
            ctx.log("INFO", "Fetching from: " + url);
            Downloaded file = download.fetch(url, upload ? apiKey : null, inFlight);
            try {
                if (Objects.equals(resource.get("hash"), file.md5()) && !PyJson.truthy(metadata.get("ignore_hash"))) {
                    ctx.log("INFO", "The file hash hasn't changed: " + file.md5() + ".");
                    return null;
                }
                resource.put("hash", file.md5());
                TableFile.refuseUnreadable(blobs, file, resource.get("format"));
                Map<String, Object> existing = existingTable(ckan, resourceId);
                var table = columnTypes(file, existingInfo(existing), ctx);
                if (!existing.isEmpty()) {
                    ctx.log("INFO", "Deleting \"" + resourceId + "\" from datastore.");
                    deleteTable(ckan, resourceId);
                }
                var fields = new ArrayList<Map<String, Object>>();
                for (Field f : table.scan().fields()) fields.add(f.wire());
                ctx.log("INFO", "Determined headers and types: " + PyJson.repr(fields));
                long count = load(ckan, resourceId, file, table, fields, ctx);
                ctx.log("INFO", "Successfully pushed " + count + " entries to \"" + resourceId + "\".");
                if (PyJson.truthy(metadata.get("set_url_type"))) {
                    resource.put("url_type", "datapusher");
                    CkanActions.check(call(ckan, "resource_update", resource), "CKAN", 201, 200);
                }
                return null;
            } finally {
                blobs.delete(file.blob());
            }
        }
    }

    /** Where the resource's file is fetched from: its URL, an upload's on the site the job talks to. */
    private static String fileUrl(Map<String, Object> resource, boolean upload, String ckanUrl) throws JobError {
        String url = resource.get("url") instanceof String u ? u : "";
        String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("http") && !scheme.equals("https")) throw new JobError("Only http and https resources may be fetched.");
        int at = url.indexOf("/dataset");
        if (upload && at >= 0) {
            // the resource's URL has the site's public address, which may not be where the job reaches it
            String base = CkanSites.base(ckanUrl);
            if (!url.substring(0, at).equals(base)) url = base + url.substring(at);
        }
        return url;
    }

    private Map<String, Object> resourceShow(CkanActions ckan, Object id, JobContext ctx) throws JobError, StoppedException {
        var body = object("id", id);
        try {
            return resource(call(ckan, "resource_show", body));
        } catch (JobError e) {
            // a refused key stays refused; anything else may be CKAN still adding the resource
            Object status = e.details().get("HTTP status code");
            if (Integer.valueOf(401).equals(status) || Integer.valueOf(403).equals(status)) throw e;
        }
        ctx.sleep(RESOURCE_RETRY);
        return resource(call(ckan, "resource_show", body));
    }

    private static Map<String, Object> resource(CkanActions.Answer a) throws JobError {
        CkanActions.check(a, "CKAN", 201, 200);
        return CkanActions.result(a, "CKAN");
    }

    /** The existing table as {@code datastore_search} describes it; empty if there is none. */
    private Map<String, Object> existingTable(CkanActions ckan, Object id) throws JobError, StoppedException {
        CkanActions.Answer a;
        try {
            a = ckan.post("datastore_search", object("id", id, "limit", 0));
        } catch (CkanActions.Unreachable e) {
            throw new JobError("Error getting datastore resource (" + e.getMessage() + ").");
        }
        if (a.status() == 404) return Map.of();
        if (a.status() != 200) throw HttpFailure.of("Error getting datastore resource.", a.status(), a.url(), a.body());
        return CkanActions.result(a, "CKAN");
    }

    /** Each existing column's {@code info}, by column id. */
    private static Map<String, Map<String, Object>> existingInfo(Map<String, Object> table) {
        var info = new LinkedHashMap<String, Map<String, Object>>();
        if (table.get("fields") instanceof List<?> fields) {
            for (Object o : fields) {
                if (o instanceof Map<?, ?> f && f.get("info") instanceof Map<?, ?> i) {
                    @SuppressWarnings("unchecked")
                    var m = (Map<String, Object>) i;
                    info.put(String.valueOf(f.get("id")), m);
                }
            }
        }
        return info;
    }

    private static void deleteTable(CkanActions ckan, Object id) throws JobError, StoppedException {
        CkanActions.Answer a;
        try {
            a = ckan.post("datastore_delete", object("id", id, "force", true));
        } catch (CkanActions.Unreachable e) {
            throw new JobError("Deleting existing datastore failed.");
        }
        CkanActions.check(a, "CKAN", 201, 200, 404);
    }

    /** The scan's result and the charset the file turned out to be in. */
    private record Table(ColumnTypes.Result scan, Charset charset) {}

    private Table columnTypes(Downloaded file, Map<String, Map<String, Object>> info, JobContext ctx)
            throws JobError, StoppedException {
        Table table;
        try {
            table = new Table(scan(file, StandardCharsets.UTF_8, info, ctx), StandardCharsets.UTF_8);
        } catch (CharacterCodingException notUtf8) {
            ctx.log("INFO", "The file is not UTF-8 text: reading it as windows-1252.");
            try {
                table = new Table(scan(file, TableFile.WINDOWS_1252, info, ctx), TableFile.WINDOWS_1252);
            } catch (CharacterCodingException neither) {
                throw new JobError("The file is neither UTF-8 nor windows-1252 text: only CSV and TSV text can be pushed.");
            }
        }
        for (ColumnTypes.Demotion d : table.scan().demotions()) {
            ctx.log("INFO", "Column \"" + d.column() + "\" is loaded as text: row " + d.row() + " holds \"" + d.value()
                    + "\", which is not " + d.was().wire + " like the first " + ColumnTypes.SAMPLE_ROWS + " rows.");
        }
        return table;
    }

    /** @throws CharacterCodingException if the file is not text in {@code charset} */
    private ColumnTypes.Result scan(Downloaded file, Charset charset, Map<String, Map<String, Object>> info, JobContext ctx)
            throws JobError, StoppedException, CharacterCodingException {
        try (CsvRowReader rows = TableFile.open(blobs, file, charset, limits)) {
            return ColumnTypes.scan(rows, info, ctx);
        } catch (CharacterCodingException e) {
            throw e;
        } catch (TooLarge e) {
            throw new JobError("The file cannot be pushed: " + e.getMessage() + ".");
        } catch (IOException e) {
            throw new JobError("The file could not be read as CSV: " + e.getMessage());
        }
    }

    /**
     * The second pass: every row to CKAN in chunks; returns how many were sent. While CKAN works
     * on a chunk, its log line is made durable and the next chunk read: the calls stay one after
     * another, in order, and a chunk is sent only once the one before it was taken.
     */
    private long load(CkanActions ckan, Object id, Downloaded file, Table table, List<Map<String, Object>> fields,
                      JobContext ctx) throws JobError, StoppedException {
        long count = 0;
        try (CsvRowReader rows = TableFile.open(blobs, file, table.charset(), limits)) {
            var chunks = new RecordChunks(rows, table.scan().fields());
            RecordChunks.Chunk chunk = chunks.next();
            for (int n = 0; chunk != null; n++) {
                ctx.checkpoint();
                var body = object("resource_id", id, "fields", fields, "force", true, "records", chunk.records(),
                        "calculate_record_count", chunk.last());
                RecordChunks.Chunk following;
                try {
                    var sent = ckan.send("datastore_create", body);
                    ctx.log("INFO", "Saving chunk " + n + " " + (chunk.last() ? "(last)" : ""));
                    following = chunks.next();
                    CkanActions.check(ckan.answer(sent), "CKAN DataStore", 201, 200);
                } catch (JobError e) {
                    if (n > 0) dropPartLoaded(ckan, id, ctx);
                    throw e;
                } catch (CkanActions.Unreachable e) {
                    throw unreachable(ckan, "datastore_create", e);
                }
                count += chunk.records().size();
                chunk = following;
            }
        } catch (IOException e) { // the first pass read the same file to its end
            throw new JobError("The file could not be read again: " + e.getMessage());
        }
        return count;
    }

    /** After CKAN refused a later chunk: the chunks before it are deleted rather than left as half a table. */
    private static void dropPartLoaded(CkanActions ckan, Object id, JobContext ctx) throws StoppedException {
        ctx.log("INFO", "Deleting the partly loaded \"" + id + "\" from datastore.");
        try {
            deleteTable(ckan, id);
        } catch (JobError e) {
            ctx.log("WARNING", "The partly loaded table could not be deleted: " + e.getMessage());
        }
    }

    /** A call whose failure to reach CKAN is a job error naming the call. */
    private static CkanActions.Answer call(CkanActions ckan, String action, Object body) throws JobError, StoppedException {
        try {
            return ckan.post(action, body);
        } catch (CkanActions.Unreachable e) {
            throw unreachable(ckan, action, e);
        }
    }

    private static JobError unreachable(CkanActions ckan, String action, CkanActions.Unreachable e) {
        return HttpFailure.unanswered("Could not reach CKAN for " + action + ": " + e.getMessage(), ckan.url(action));
    }

    /** A JSON object of these keys and values, in this order. */
    private static Map<String, Object> object(Object... keysAndValues) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
