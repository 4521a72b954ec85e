package taskrunner.entryscape.entrystore;

import taskrunner.auth.Principal;
import taskrunner.auth.User;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the {@link EntryDoc} of each kind of stored record for one reader, and lists every
 * doc a reader may read (what search looks through).
 *
 * <p>Invariant: a doc is made only for a reader who passed the read check of what holds it
 * ({@link EntryStore#mayRead} for contexts and their entries, {@link UserEntries#maySee} for
 * users); {@link #readable} applies the same checks, so search shows no more than reads do.
 */
public final class EntryDocs {
    private final EntryStore es;
    private final UserEntries users;

    public EntryDocs(EntryStore es, UserEntries users) {
        this.es = es;
        this.users = users;
    }

    public UserEntries users() {
        return users;
    }

    /** An entry of a context the reader may read. */
    public EntryDoc of(Entry e, Principal reader) {
        String resourceType = e.graphType().equals("none") && !e.infoResource() ? EntryInfo.NAMED_RESOURCE : EntryInfo.INFORMATION_RESOURCE;
        boolean file = e.blob() != null;
        var info = new EntryInfo(es.entryUri(e.context(), e.id()), es.resourceUri(e), EntryInfo.graphTypeName(e.graphType()),
                EntryInfo.entryTypeName(e.entryType()), resourceType, e.created(), e.modified(), userUri(e.creator()),
                e.contributors().stream().map(this::userUri).toList(),
                file ? e.mimetype() : null, file ? e.size() : null, file ? e.filename() : null, e.externalMetadata(), e.origin());
        Object resource = null;
        if (GraphResource.holds(e)) resource = e.graph() == null ? Map.of() : e.graph(); // entrystore.js builds a Pipeline from it
        else if (e.isLocal()) resource = e.graphType().equals("none") && e.sha256() != null ? Map.of("sha256", e.sha256()) : Map.of();
        return new EntryDoc(e.context(), e.id(), es.contextUri(e.context()), info, e.metadata(), es.subject(e), resource,
                es.mayWrite(reader, es.context(e.context())) ? EntryDoc.ALL_RIGHTS : EntryDoc.READ_RIGHTS, null);
    }

    /** A context's own entry, in {@code _contexts}. */
    public EntryDoc of(Context c, Principal reader) {
        var info = new EntryInfo(es.storeUri() + "_contexts/entry/" + c.id(), es.contextUri(c.id()), "Context", EntryInfo.LOCAL,
                EntryInfo.INFORMATION_RESOURCE, c.created(), c.created(), userUri(c.creator()), List.of(), null, null, null, null, null);
        return new EntryDoc("_contexts", c.id(), es.contextUri("_contexts"), info, Map.of(), info.resourceUri(), Map.of(),
                es.mayWrite(reader, c) ? EntryDoc.ALL_RIGHTS : EntryDoc.READ_RIGHTS, null);
    }

    /** A user's entry, in {@code _principals}. */
    public EntryDoc of(User u, Principal reader) {
        return user(users.entryId(u), u.username(), u.created(), users.mayAdminister(reader, u) ? EntryDoc.ALL_RIGHTS : EntryDoc.READ_RIGHTS);
    }

    /** The guest's entry, which anyone may read. */
    public EntryDoc guest() {
        return user(UserEntries.GUEST, UserEntries.GUEST, 0, EntryDoc.READ_RIGHTS);
    }

    private EntryDoc user(String id, String name, long created, List<String> rights) {
        String uri = es.storeUri() + UserEntries.CONTEXT + "/";
        var info = new EntryInfo(uri + "entry/" + id, uri + "resource/" + id, "User", EntryInfo.LOCAL,
                EntryInfo.INFORMATION_RESOURCE, created, created, null, List.of(), null, null, null, null, null);
        var resource = new LinkedHashMap<String, Object>();
        resource.put("customProperties", Map.of());
        resource.put("name", name);
        return new EntryDoc(UserEntries.CONTEXT, id, es.contextUri(UserEntries.CONTEXT), info, Map.of(), info.resourceUri(),
                resource, rights, name);
    }

    /** A user resource URI, as EntryStore names creators and contributors; null for none. */
    private String userUri(String userId) {
        return userId == null ? null : es.storeUri() + UserEntries.CONTEXT + "/resource/" + users.entryIdOf(userId);
    }

    /**
     * Every doc the reader may read: the contexts it may read, their entries and the users it
     * may see. A guest reads none: every context is private to its owner accounts.
     */
    public List<EntryDoc> readable(Principal reader) {
        var out = new ArrayList<EntryDoc>();
        if (reader == null) return out;
        var contexts = new HashSet<String>();
        for (Context c : es.store().all(Context.KIND)) {
            if (!es.mayRead(reader, c)) continue;
            contexts.add(c.id());
            out.add(of(c, reader));
        }
        for (Entry e : es.store().all(Entry.KIND)) if (contexts.contains(e.context())) out.add(of(e, reader));
        for (User u : es.store().all(User.KIND)) if (users.maySee(reader, u)) out.add(of(u, reader));
        return out;
    }
}
