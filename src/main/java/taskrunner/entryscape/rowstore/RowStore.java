package taskrunner.entryscape.rowstore;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.util.NamedLocks;
import taskrunner.csv.CsvLimits;
import taskrunner.store.BlobStore;
import taskrunner.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The embedded RowStore: datasets whose rows live in blobs, and their aliases; who may
 * change a dataset ({@link #mayWrite}: its owner account, for requests and jobs alike).
 *
 * <p>Invariants: a dataset's data changes only by one journal put that points it at a new,
 * complete blob (build, then switch), so a reader sees the old rows or the new ones, never
 * a mix or an empty table; writers of one dataset are serialized by the lock
 * {@link #lockName}; the old blob is deleted only after the switch is durable, and readers
 * that lose that race retry with the current version.
 */
public final class RowStore {
    private final Store store;
    private final BlobStore blobs;
    private final Identity identity;
    private final Supplier<URI> base;
    private final NamedLocks locks;
    private final Clock clock;
    private final DatasetBuilder builder;
    private final Map<String, String> byAlias = new ConcurrentHashMap<>();

    /** @param csvLimits the size limits of every CSV loaded ({@link DatasetBuilder}) */
    public RowStore(Store store, BlobStore blobs, Identity identity, Supplier<URI> base, NamedLocks locks, Clock clock,
                    CsvLimits csvLimits) {
        this.store = store;
        this.blobs = blobs;
        this.identity = identity;
        this.base = base;
        this.locks = locks;
        this.clock = clock;
        this.builder = new DatasetBuilder(blobs, csvLimits);
        store.listen(Dataset.KIND, (old, now) -> {
            if (old != null) for (String a : old.aliases()) byAlias.remove(a.toLowerCase(), old.id());
            if (now != null) for (String a : now.aliases()) byAlias.put(a.toLowerCase(), now.id());
        });
        for (Dataset d : store.all(Dataset.KIND)) for (String a : d.aliases()) byAlias.put(a.toLowerCase(), d.id());
    }

    public DatasetBuilder builder() {
        return builder;
    }

    /** Whether the principal may change the dataset: access to its owner account (reads are public, as RowStore's). */
    public boolean mayWrite(Principal p, Dataset d) {
        return d != null && identity.mayAccess(p, d.owner());
    }

    public static String lockName(String datasetId) {
        return "dataset:" + datasetId;
    }

    /** A dataset by UUID or alias, or null. */
    public Dataset get(String idOrAlias) {
        if (idOrAlias == null) return null;
        Dataset d = store.get(Dataset.KIND, idOrAlias);
        if (d != null) return d;
        String id = byAlias.get(idOrAlias.toLowerCase());
        return id == null ? null : store.get(Dataset.KIND, id);
    }

    public Collection<Dataset> all() {
        return store.all(Dataset.KIND);
    }

    /** {@code <base>rowstore/dataset/<uuid>}. */
    public String url(Dataset d) {
        return base.get() + "rowstore/dataset/" + d.id();
    }

    /** The dataset an access URL points at (by its last path segment, UUID or alias), or null (also for what is no URL). */
    public Dataset byUrl(String url) {
        if (url == null) return null;
        String path;
        try {
            path = URI.create(url.trim()).getPath();
        } catch (IllegalArgumentException notAUrl) {
            return null;
        }
        if (path == null) return null;
        String[] parts = path.replaceAll("/+$", "").split("/");
        if (parts.length < 2 || !parts[parts.length - 2].equals("dataset")) return null;
        return get(parts[parts.length - 1]);
    }

    /** Loads a CSV into a new dataset; nothing is stored if the CSV cannot be loaded. */
    public Dataset create(InputStream csv, String owner) throws Exception {
        Built b = builder.build(null, List.of(DatasetBuilder.Source.of("the CSV", () -> csv)), DatasetBuilder.NONE);
        var d = new Dataset(UUID.randomUUID().toString(), Dataset.AVAILABLE, clock.millis(), b.columns(), b.rowCount(),
                b.blob(), List.of(), owner, null);
        try {
            store.put(Dataset.KIND, d.id(), d);
        } catch (IOException e) {
            blobs.delete(b.blob());
            throw e;
        }
        return d;
    }

    /** Adds rows (append) or replaces all rows (replace) in one switch. */
    public Dataset load(String id, InputStream csv, boolean append) throws Exception {
        return locks.with(lockName(id), () -> {
            Dataset cur = store.get(Dataset.KIND, id);
            if (cur == null) throw new DatasetError("the dataset was deleted");
            Built b = builder.build(append ? cur : null, List.of(DatasetBuilder.Source.of("the CSV", () -> csv)), DatasetBuilder.NONE);
            return switchTo(cur, b, null);
        });
    }

    /**
     * Points the dataset at a built version (one journal put), then drops the old blob.
     * The caller holds the dataset's lock.
     */
    public Dataset switchTo(Dataset cur, Built b, String job) throws IOException {
        Dataset next = cur.withData(b, job);
        try {
            store.put(Dataset.KIND, cur.id(), next);
        } catch (IOException e) {
            blobs.delete(b.blob());
            throw e;
        }
        if (cur.blob() != null && !cur.blob().equals(b.blob())) blobs.delete(cur.blob());
        return next;
    }

    public void delete(String id) throws Exception {
        locks.with(lockName(id), () -> {
            Dataset cur = store.get(Dataset.KIND, id);
            if (cur == null) return null;
            store.delete(Dataset.KIND, id);
            blobs.delete(cur.blob());
            return null;
        });
    }

    /** Sets (replace) or adds aliases; every alias must be alphanumeric and free. */
    public Dataset aliases(String id, List<String> aliases, boolean add) throws Exception {
        return locks.with(lockName(id), () -> {
            Dataset cur = store.get(Dataset.KIND, id);
            if (cur == null) throw new DatasetError("the dataset was deleted");
            var next = new LinkedHashSet<String>(add ? cur.aliases() : List.of());
            for (String a : aliases) {
                if (a == null || a.isEmpty() || !a.codePoints().allMatch(Character::isLetterOrDigit)) {
                    throw new DatasetError("an alias must be letters and digits only: " + a);
                }
                String owner = byAlias.get(a.toLowerCase());
                if ((owner != null && !owner.equals(id)) || (store.get(Dataset.KIND, a) != null && !a.equals(id))) {
                    throw new DatasetError("the alias " + a + " is taken");
                }
                next.add(a);
            }
            Dataset d = cur.withAliases(new ArrayList<>(next));
            store.put(Dataset.KIND, id, d);
            return d;
        });
    }

    /** A query over the dataset's current version, retried if a switch deleted its blob meanwhile. */
    public DatasetQuery.Page query(String id, Map<String, String> filters, long offset, int limit) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Dataset d = store.get(Dataset.KIND, id);
            if (d == null || d.blob() == null) return new DatasetQuery.Page(List.of(), 0);
            InputStream in;
            try {
                in = blobs.open(d.blob());
            } catch (NoSuchFileException e) {
                if (attempt < 5) continue;
                throw e;
            }
            return DatasetQuery.run(in, filters, offset, limit);
        }
    }
}
