package taskrunner.entryscape.entrystore;

import taskrunner.auth.Account;
import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.auth.User;

/**
 * The core's users as EntryStore's user entries in its {@code _principals} context.
 *
 * <p>Invariant: every user has exactly one entry id, stable for its life: {@code _admin} for
 * the root account's {@code admin} (the id EntryStore gives its own first admin, which clients
 * may hard-code), otherwise the user's 32-hex core id (never reused, unchanged by a rename). A
 * user is found only by that id; {@code _guest} is the guest's entry and belongs to no user.
 */
public final class UserEntries {
    public static final String CONTEXT = "_principals";
    public static final String ADMIN = "_admin";
    public static final String GUEST = "_guest";

    private final Identity identity;

    public UserEntries(Identity identity) {
        this.identity = identity;
    }

    public String entryId(User u) {
        Account a = identity.account(u.accountId());
        return Identity.ADMIN_NAME.equals(u.username()) && a != null && a.isRoot() ? ADMIN : u.id();
    }

    /** The entry id of a core user id (a creator, a contributor); the id itself if the user is gone. */
    public String entryIdOf(String userId) {
        User u = identity.user(userId);
        return u == null ? userId : entryId(u);
    }

    /** The user whose entry id this is, or null (also for {@link #GUEST} and for another spelling of a user's id). */
    public User user(String entryId) {
        if (entryId == null) return null;
        User u = ADMIN.equals(entryId) ? identity.userByName(Identity.ADMIN_NAME) : identity.user(entryId);
        return u != null && entryId(u).equals(entryId) ? u : null;
    }

    /** Whether the principal may see the user: its own entry, or through the one check on the user's account. */
    public boolean maySee(Principal p, User u) {
        if (p == null || u == null) return false;
        return p.user() != null && p.user().id().equals(u.id()) || identity.mayAccess(p, u.accountId());
    }

    /** Whether the principal may change the user's entry: an admin whose account reaches the user's. */
    public boolean mayAdminister(Principal p, User u) {
        return p != null && u != null && p.admin() && identity.mayAccess(p, u.accountId());
    }
}
