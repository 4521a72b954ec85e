package taskrunner.entryscape.pipeline;

import taskrunner.auth.Principal;
import taskrunner.entryscape.EsFace;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.rowstore.Dataset;
import taskrunner.entryscape.rowstore.DatasetError;
import taskrunner.entryscape.rowstore.RowStore;
import taskrunner.util.NamedLocks;
import taskrunner.util.RandomIds;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * EntryStore's {@code rowstore} transform (reference §2.4) over this server's own RowStore,
 * acting for the caller: {@code create} loads the source CSV into a new dataset, owned by the
 * context's account, and makes a reference entry of graph type PipelineResult for it
 * (resource: the dataset URL; external metadata: its {@code /info}; made from the pipeline and
 * the source); {@code replace} and {@code append} load the source into the dataset of the
 * {@code datasetURL} argument and record the source on its pipeline result; {@code setalias}
 * sets that dataset's alias to the {@code alias} argument, or clears it when that is empty.
 *
 * <p>Refusals are thrown as EntryStore error responses ({@link EsFace#fail}): a dataset the
 * caller may not change is 403 ({@link RowStore#mayWrite}, the check every RowStore write
 * makes); a missing argument, a dataset that has no pipeline result in the context, an action
 * this transform lacks or a CSV that cannot be loaded is 400, and nothing changed.
 *
 * <p>Locks: the source file's ({@link ResourceRoutes#lockName}) while its bytes are read and
 * loaded, and inside it the dataset's (taken by {@link RowStore}), the order jobs take them
 * in; then, on its own, the pipeline result's while its sources are recorded.
 */
public final class RowStoreTransform {
    public static final String TYPE = "rowstore";
    private static final String PIPELINE_RESULT = "pipelineresult";

    private final EntryStore es;
    private final RowStore rows;
    private final NamedLocks locks;
    private final Clock clock;

    public RowStoreTransform(EntryStore es, RowStore rows, NamedLocks locks, Clock clock) {
        this.es = es;
        this.rows = rows;
        this.locks = locks;
        this.clock = clock;
    }

    /**
     * Runs the transform with these arguments for {@code p}, who may write {@code ctx}, the
     * context of {@code pipeline}; {@code source} is a file entry of it, or null.
     *
     * @return the pipeline result made or changed
     */
    public Entry run(Principal p, Context ctx, Entry pipeline, Entry source, Map<String, String> args) throws Exception {
        String action = args.getOrDefault("action", "create").toLowerCase(Locale.ROOT);
        String pipelineUri = es.entryUri(pipeline.context(), pipeline.id());
        return switch (action) {
            case "create" -> create(p, ctx, pipelineUri, needSource(source, action));
            case "replace", "append" -> {
                Target t = target(p, ctx, args.get("dataseturl"), action);
                Entry src = needSource(source, action);
                loadCsv(src, in -> rows.load(t.dataset().id(), in, action.equals("append")));
                yield recordSource(t.result(), pipelineUri, es.entryUri(src.context(), src.id()), action.equals("append"));
            }
            case "setalias" -> {
                Target t = target(p, ctx, args.get("dataseturl"), action);
                String alias = args.get("alias");
                try {
                    rows.aliases(t.dataset().id(), alias == null || alias.isEmpty() ? List.of() : List.of(alias), false);
                } catch (DatasetError e) {
                    throw EsFace.fail(400, "The alias cannot be set: " + e.getMessage());
                }
                yield t.result();
            }
            default -> throw EsFace.fail(400, "The rowstore transform has no action " + action + " (create, replace, append, setalias)");
        };
    }

    private Entry create(Principal p, Context ctx, String pipelineUri, Entry src) throws Exception {
        Dataset d = loadCsv(src, in -> rows.create(in, ctx.owner()));
        String url = rows.url(d);
        long now = clock.millis();
        var result = new Entry(ctx.id(), RandomIds.hex(8), "reference", PIPELINE_RESULT, true, url, new LinkedHashMap<>(),
                null, null, null, 0, null, now, now, p.user() == null ? null : p.user().id(), null, null, url + "/info",
                new Entry.Origin(pipelineUri, List.of(es.entryUri(src.context(), src.id()))), List.of());
        try {
            es.put(result);
        } catch (IOException e) {
            rows.delete(d.id()); // no dataset without its pipeline result
            throw e;
        }
        return result;
    }

    private static Entry needSource(Entry source, String action) {
        if (source == null) throw EsFace.fail(400, "The rowstore transform's action " + action + " needs a source file entry");
        return source;
    }

    /** The dataset of a {@code datasetURL} argument, and the one pipeline result of the context that is it. */
    private record Target(Dataset dataset, Entry result) {}

    private Target target(Principal p, Context ctx, String url, String action) {
        if (url == null || url.isBlank()) {
            throw EsFace.fail(400, "The rowstore transform's action " + action + " needs a datasetURL argument");
        }
        Dataset ds = rows.byUrl(url);
        if (ds == null) throw EsFace.fail(400, "datasetURL " + url + " is not a dataset of this server's RowStore");
        if (!rows.mayWrite(p, ds)) throw EsFace.fail(403, "Not authorized to change the dataset " + url);
        var results = new ArrayList<Entry>();
        for (Entry e : es.entries(ctx.id())) {
            if (!PIPELINE_RESULT.equals(e.graphType())) continue;
            Dataset of = rows.byUrl(e.resource());
            if (of != null && of.id().equals(ds.id())) results.add(e);
        }
        if (results.size() != 1) {
            throw EsFace.fail(400, (results.isEmpty() ? "No pipeline result" : "More than one pipeline result") + " in context "
                    + ctx.id() + " is the dataset " + url);
        }
        return new Target(ds, results.get(0));
    }

    /** Loads from the source's bytes, holding its lock so they are not replaced meanwhile. */
    private <T> T loadCsv(Entry source, Load<T> load) throws Exception {
        return locks.with(ResourceRoutes.lockName(source.key()), () -> {
            Entry cur = es.entry(source.context(), source.id());
            if (cur == null || cur.blob() == null) throw EsFace.fail(409, "The source entry " + source.id() + " has no file");
            try (InputStream in = es.blobs().open(cur.blob())) {
                return load.from(in);
            } catch (DatasetError e) {
                throw EsFace.fail(400, "The source's CSV cannot be loaded: " + e.getMessage());
            }
        });
    }

    @FunctionalInterface
    private interface Load<T> {
        T from(InputStream csv) throws Exception;
    }

    /** The pipeline result with the source recorded: added to its sources (append), or as its only one (replace). */
    private Entry recordSource(Entry result, String pipelineUri, String sourceUri, boolean append) throws Exception {
        return locks.with("pipelineresult:" + result.key(), () -> {
            Entry cur = es.entry(result.context(), result.id());
            if (cur == null) throw EsFace.fail(404, "The pipeline result " + result.id() + " was deleted");
            var data = new ArrayList<String>();
            if (append && cur.origin() != null) data.addAll(cur.origin().data());
            if (!data.contains(sourceUri)) data.add(sourceUri);
            String pipeline = cur.origin() != null ? cur.origin().pipeline() : pipelineUri;
            Entry next = cur.withOrigin(new Entry.Origin(pipeline, data), clock.millis());
            es.put(next);
            return next;
        });
    }
}
