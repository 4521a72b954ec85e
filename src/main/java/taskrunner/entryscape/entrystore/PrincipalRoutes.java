package taskrunner.entryscape.entrystore;

import taskrunner.auth.Principal;
import taskrunner.auth.User;
import taskrunner.entryscape.EsAuth;
import taskrunner.entryscape.EsFace;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

/**
 * {@code GET /store/_principals/entry/<id>}: a user's entry ({@link UserEntries}), what
 * entrystore.js {@code getAuth().getUserEntry()} loads after {@code auth/user}. Anyone reads
 * the guest's; a signed-in user reads its own and those of the accounts its account reaches
 * ({@link UserEntries#maySee}); others get 401 (guest) or 403, as contexts do. Users are not
 * created or changed here: the core's accounts API does that.
 */
public final class PrincipalRoutes {
    private final EntryDocs docs;
    private final EntryRoutes entries;
    private final EsAuth auth;

    public PrincipalRoutes(EntryDocs docs, EntryRoutes entries, EsAuth auth) {
        this.docs = docs;
        this.entries = entries;
        this.auth = auth;
    }

    /** Before {@link EntryRoutes}, whose {@code /store/{ctx}/entry/{id}} would take the path. */
    public void install(Router r) {
        r.route("GET", "/store/" + UserEntries.CONTEXT + "/entry/{id}", EsFace.INSTANCE, this::get);
    }

    private Response get(Request req) {
        Principal p = auth.optional(req);
        String id = req.param("id");
        if (UserEntries.GUEST.equals(id)) return entries.read(req, docs.guest(), p);
        User u = docs.users().user(id);
        if (u == null) throw EsFace.fail(404, "Entry not found");
        if (p == null) throw EsFace.fail(401, "Not authorized");
        if (!docs.users().maySee(p, u)) throw EsFace.fail(403, "Not authorized");
        return entries.read(req, docs.of(u, p), p);
    }
}
