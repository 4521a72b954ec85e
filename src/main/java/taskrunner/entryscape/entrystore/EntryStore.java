package taskrunner.entryscape.entrystore;

import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.entryscape.Rdf;
import taskrunner.store.BlobStore;
import taskrunner.store.Store;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The embedded EntryStore subset: contexts and their entries, the URIs EntryStore gives
 * them, rights, and the lookups the Taskrunner needs (§2.6 of the reference: a
 * distribution's files are its {@code dcat:downloadURL}s; its API distribution is the
 * distribution whose {@code dcterms:source} is it).
 *
 * <p>Invariant: records are written only through {@link Store#put}/{@link Store#delete}
 * (durable before visible); a file's blob is deleted only after no record points to it.
 */
public final class EntryStore {
    /** EntryStore's rule for client-chosen ids. */
    public static final Pattern ID = Pattern.compile("^[\\w\\-]{1,100}$");
    private static final Set<String> RESERVED = Set.of("auth", "_contexts", "_principals", "search", "lookup", "echo",
            "proxy", "sparql", "management", "validator", "message", "favicon.ico");

    private final Store store;
    private final BlobStore blobs;
    private final Identity identity;
    private final Supplier<URI> base;

    public EntryStore(Store store, BlobStore blobs, Identity identity, Supplier<URI> base) {
        this.store = store;
        this.blobs = blobs;
        this.identity = identity;
        this.base = base;
    }

    public Store store() {
        return store;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public static boolean validContextId(String id) {
        return id != null && ID.matcher(id).matches() && !isReserved(id);
    }

    /** One of EntryStore's own names at the top of {@code /store/} (a route, or a system context), never a context id here. */
    public static boolean isReserved(String id) {
        return RESERVED.contains(id);
    }

    /** {@code <base>store/}. */
    public String storeUri() {
        return base.get() + "store/";
    }

    public String entryUri(String ctx, String id) {
        return storeUri() + ctx + "/entry/" + id;
    }

    public String metadataUri(String ctx, String id) {
        return storeUri() + ctx + "/metadata/" + id;
    }

    public String localResourceUri(String ctx, String id) {
        return storeUri() + ctx + "/resource/" + id;
    }

    public String resourceUri(Entry e) {
        return e.isLocal() ? localResourceUri(e.context(), e.id()) : e.resource();
    }

    public String contextUri(String ctx) {
        return storeUri() + ctx;
    }

    /**
     * The (context, id) of a local resource URI, or null. Scheme and host are not compared
     * (a proxy may show the server under another name); the path must be this server's
     * {@code <base path>store/<ctx>/resource/<id>}.
     */
    public String[] parseResourceUri(String uri) {
        return parseUnder(uri, "resource");
    }

    /** The (context, id) of an entry URI ({@code <base path>store/<ctx>/entry/<id>}, any host), or null. */
    public String[] parseEntryUri(String uri) {
        return parseUnder(uri, "entry");
    }

    private String[] parseUnder(String uri, String kind) {
        String rest = underStore(parse(uri));
        if (rest == null) return null;
        String[] parts = rest.split("/");
        if (parts.length != 3 || !parts[1].equals(kind) || !ID.matcher(parts[0]).matches() || !ID.matcher(parts[2]).matches()) {
            return null;
        }
        return new String[]{parts[0], parts[2]};
    }

    /**
     * One of this server's store URIs in its own spelling, for comparing links: scheme and host
     * are not compared (a proxy may show the server under another name, or it moved port), the
     * path must be under {@code <base path>store/}. Any other URI as given.
     */
    public String canonical(String uri) {
        URI u = parse(uri);
        String rest = underStore(u);
        if (rest == null || u.getRawQuery() != null || u.getRawFragment() != null) return uri;
        return storeUri() + rest;
    }

    private static URI parse(String uri) {
        try {
            return uri == null ? null : URI.create(uri.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The (raw) path of {@code u} after {@code <base path>store/}, or null if it is not under it. */
    private String underStore(URI u) {
        String path = u == null ? null : u.getRawPath();
        String prefix = base.get().getRawPath() + "store/";
        return path != null && path.startsWith(prefix) ? path.substring(prefix.length()) : null;
    }

    public Context context(String id) {
        return id == null ? null : store.get(Context.KIND, id);
    }

    public Entry entry(String ctx, String id) {
        return store.get(Entry.KIND, Entry.key(ctx, id));
    }

    /** The entry of a local resource URI, or null. */
    public Entry entryOf(String resourceUri) {
        String[] p = parseResourceUri(resourceUri);
        return p == null ? null : entry(p[0], p[1]);
    }

    public List<Entry> entries(String ctx) {
        var out = new ArrayList<Entry>();
        for (Entry e : store.all(Entry.KIND)) if (e.context().equals(ctx)) out.add(e);
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /** Whether the principal may change the context (its owner account, an ancestor, or superduper). */
    public boolean mayWrite(Principal p, Context c) {
        return c != null && identity.mayAccess(p, c.owner());
    }

    /** Reads are private to the owning accounts too: one account never sees another's catalog. */
    public boolean mayRead(Principal p, Context c) {
        return mayWrite(p, c);
    }

    /** Whether the principal may read the entry (by its context). */
    public boolean mayRead(Principal p, Entry e) {
        return e != null && mayRead(p, context(e.context()));
    }

    /** Whether the principal may change the entry (by its context). */
    public boolean mayWrite(Principal p, Entry e) {
        return e != null && mayWrite(p, context(e.context()));
    }

    public void putContext(Context c) throws IOException {
        store.put(Context.KIND, c.id(), c);
    }

    /** A new context, only where none of its id exists ({@link Store#create}). */
    public void createContext(Context c) throws IOException {
        store.create(Context.KIND, c.id(), c);
    }

    /** A new entry, only where none of its id exists in its context ({@link Store#create}). */
    public void create(Entry e) throws IOException {
        store.create(Entry.KIND, e.key(), e);
    }

    public void put(Entry e) throws IOException {
        store.put(Entry.KIND, e.key(), e);
    }

    /** Deletes the entry, then its file. */
    public void delete(Entry e) throws IOException {
        store.delete(Entry.KIND, e.key());
        blobs.delete(e.blob());
    }

    /**
     * The subject under which an entry's metadata describes it: the graph's key that names
     * its resource, whatever host the client wrote it with (the server may have moved to
     * another port or sit behind a proxy since), else its resource URI as served now.
     */
    public String subject(Entry e) {
        String uri = resourceUri(e);
        if (e.metadata() == null || e.metadata().containsKey(uri)) return uri;
        for (String s : e.metadata().keySet()) if (canonical(s).equals(uri)) return s;
        return uri;
    }

    /**
     * EntryStore's relations of each of {@code resourceUris}: the triples of other entries'
     * metadata whose object is that URI (compared as {@link #canonical} spells it), taken only
     * from entries the reader may read. One pass over the entries for all of them, so a search
     * page costs one pass, not one per child.
     *
     * @return RDF/JSON graphs by the URIs as given; an empty graph for a URI nothing points at
     */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> relations(Collection<String> resourceUris, Principal reader) {
        var byCanonical = new HashMap<String, String>();
        var out = new LinkedHashMap<String, Map<String, Object>>();
        for (String uri : resourceUris) {
            byCanonical.put(canonical(uri), uri);
            out.put(uri, new LinkedHashMap<>());
        }
        var readable = new HashMap<String, Boolean>();
        for (Entry e : store.all(Entry.KIND)) {
            if (!readable.computeIfAbsent(e.context(), id -> mayRead(reader, context(id)))) continue;
            String own = resourceUri(e);
            for (var s : e.metadata().entrySet()) {
                for (var p : ((Map<String, Object>) s.getValue()).entrySet()) {
                    for (Object o : (List<Object>) p.getValue()) {
                        var obj = (Map<String, Object>) o;
                        if (!"uri".equals(obj.get("type"))) continue;
                        String target = byCanonical.get(canonical((String) obj.get("value")));
                        if (target == null || canonical(target).equals(own)) continue;
                        out.put(target, Rdf.add(out.get(target), s.getKey(), p.getKey(), obj));
                    }
                }
            }
        }
        return out;
    }

    /** Values of one property of the entry's own resource. */
    public List<String> values(Entry e, String predicate) {
        return Rdf.values(e.metadata(), subject(e), predicate);
    }

    public boolean isDistribution(Entry e) {
        return values(e, Rdf.RDF_TYPE).contains(Rdf.DISTRIBUTION);
    }

    /** The distribution (in the file's context) listing this file as a dcat:downloadURL, or null. */
    public Entry distributionOfFile(Entry file) {
        String uri = resourceUri(file);
        for (Entry e : entries(file.context())) {
            if (!isDistribution(e)) continue;
            for (String v : values(e, Rdf.DOWNLOAD_URL)) {
                if (canonical(v).equals(uri)) return e;
            }
        }
        return null;
    }

    /** The API distribution of a file distribution: dcterms:source it, with a dcat:accessURL. */
    public Entry apiDistributionOf(Entry dist) {
        String uri = resourceUri(dist);
        for (Entry e : entries(dist.context())) {
            if (e == dist || !isDistribution(e)) continue;
            boolean source = values(e, Rdf.SOURCE).stream().anyMatch(v -> canonical(v).equals(uri));
            if (source && !values(e, Rdf.ACCESS_URL).isEmpty()) return e;
        }
        return null;
    }

    /** The file entries of a distribution, in the order of its dcat:downloadURL values. */
    public List<String> fileUris(Entry dist) {
        var out = new ArrayList<String>();
        for (String v : values(dist, Rdf.DOWNLOAD_URL)) out.add(canonical(v));
        return out;
    }
}
