package taskrunner.auth;

import taskrunner.store.Kind;
import taskrunner.store.Store;
import taskrunner.util.RandomIds;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The one identity system of every face: accounts in a tree, users with hashed passwords,
 * and tokens stored hashed with sliding expiry.
 *
 * <p>Invariants: usernames are unique (lowercase); a token is found only through the
 * SHA-256 of what the client sent, so a stored token cannot be replayed from the data
 * directory; sliding expiry is journaled only when it moved by more than a tenth of the
 * token's lifetime, so a busy client does not cost an fsync per request.
 */
public final class Identity {
    private static final Logger LOG = Logger.getLogger(Identity.class.getName());
    public static final String ROOT_NAME = "root";
    public static final String ADMIN_NAME = "admin";

    private final Store store;
    private final Clock clock;
    private final long defaultTtlMs;
    private final LoginThrottle throttle;
    private final Map<String, String> userByName = new ConcurrentHashMap<>();
    private final Map<String, String> accountByKey = new ConcurrentHashMap<>();
    /** token -> its SHA-256, for tokens seen recently: a client sends the same token on every request. */
    private final Map<String, String> recentHashes = new ConcurrentHashMap<>();

    public Identity(Store store, Clock clock, long defaultTtlMs) {
        this.store = store;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock);
        this.defaultTtlMs = defaultTtlMs;
        store.listen(User.KIND, (old, now) -> {
            if (old != null) userByName.remove(old.username(), old.id());
            if (now != null) userByName.put(now.username(), now.id());
        });
        store.listen(Account.KIND, (old, now) -> {
            if (old != null && old.apiKeyHash() != null) accountByKey.remove(old.apiKeyHash());
            if (now != null && now.apiKeyHash() != null) accountByKey.put(now.apiKeyHash(), now.id());
        });
        for (User u : store.all(User.KIND)) userByName.put(u.username(), u.id());
        for (Account a : store.all(Account.KIND)) if (a.apiKeyHash() != null) accountByKey.put(a.apiKeyHash(), a.id());
    }

    /** A username that another user has (usernames are unique, ignoring case). */
    public static final class NameTaken extends Exception {
        public NameTaken(String username) {
            super("username " + username + " is taken");
        }
    }

    /** What the first start made: the root account's api_key and the admin password, to print once. */
    public record Bootstrap(Account root, String apiKey, String adminPassword, boolean passwordGenerated) {}

    /**
     * Creates the root account and its admin user if there are no accounts yet; returns
     * null when they already exist.
     */
    public Bootstrap bootstrap(String adminPassword) throws IOException {
        if (store.count(Account.KIND) > 0) return null;
        boolean generated = adminPassword == null || adminPassword.isEmpty();
        String password = generated ? generatedPassword() : adminPassword;
        var created = createAccount(null, ROOT_NAME);
        try {
            createUser(created.account().id(), ADMIN_NAME, password, true, null, null, null);
        } catch (NameTaken e) {
            throw new IOException("the data directory has users but no accounts", e);
        }
        return new Bootstrap(created.account(), created.apiKey(), password, generated);
    }

    /**
     * Sets the password of user 'admin' of a directory that has one (a start with an admin
     * password given). Writes only if it is not already that password.
     */
    public void setAdminPassword(String password) throws IOException {
        User admin = admin();
        if (verifyCredential(ADMIN_NAME, PasswordHasher.credential(ADMIN_NAME, password)) != null) return;
        putPassword(admin, password);
    }

    /** Gives user 'admin' a newly generated password (a lost one); returns it, to print once. */
    public String resetAdminPassword() throws IOException {
        String password = generatedPassword();
        putPassword(admin(), password);
        return password;
    }

    private static String generatedPassword() {
        return Secrets.token().substring(0, 20);
    }

    private User admin() throws IOException {
        User admin = userByName(ADMIN_NAME);
        if (admin == null) throw new IOException("the data directory has accounts but no user '" + ADMIN_NAME + "'");
        return admin;
    }

    private void putPassword(User u, String password) throws IOException {
        String credential = PasswordHasher.credential(u.username(), password);
        Account a = account(u.accountId());
        store.put(User.KIND, u.id(), new User(u.id(), u.accountId(), u.username(), PasswordHasher.hash(credential), u.admin(),
                u.firstName(), u.lastName(), u.email(), u.created(),
                a == null ? null : PasswordHasher.accountKey(credential, a.name())));
    }

    public record NewAccount(Account account, String apiKey) {}

    /** Creates a child of {@code parentId} (null: the root) with a fresh api_key. */
    public NewAccount createAccount(String parentId, String name) throws IOException {
        List<String> tree = new ArrayList<>();
        if (parentId != null) {
            Account parent = account(parentId);
            if (parent == null) throw new IllegalArgumentException("no account " + parentId);
            tree.addAll(parent.tree());
            tree.add(parent.id());
        }
        String apiKey = Secrets.hex(32);
        var a = new Account(RandomIds.hex(16), name, tree, Secrets.sha256(apiKey), clock.millis());
        store.put(Account.KIND, a.id(), a);
        return new NewAccount(a, apiKey);
    }

    /** @throws NameTaken if another user has that username */
    public User createUser(String accountId, String username, String password, boolean admin,
                           String firstName, String lastName, String email) throws IOException, NameTaken {
        String name = username.toLowerCase(Locale.ROOT);
        synchronized (userByName) {
            if (userByName.containsKey(name)) throw new NameTaken(name);
            String credential = PasswordHasher.credential(name, password);
            Account account = account(accountId);
            var u = new User(RandomIds.hex(16), accountId, name, PasswordHasher.hash(credential), admin,
                    firstName, lastName, email, clock.millis(),
                    account == null ? null : PasswordHasher.accountKey(credential, account.name()));
            store.put(User.KIND, u.id(), u);
            try {
                claimName(name, u.id());
            } catch (NameTaken e) {
                store.delete(User.KIND, u.id()); // the name is another server's new user's
                throw e;
            }
            return u;
        }
    }

    /**
     * Records that {@code name} is {@code userId}'s (written just before), only if no user has
     * claimed it: another server sharing the database may have created that name a moment ago.
     */
    private void claimName(String name, String userId) throws IOException, NameTaken {
        if (store.get(UserName.KIND, name) != null) throw new NameTaken(name);
        try {
            store.create(UserName.KIND, name, new UserName(userId));
        } catch (taskrunner.store.Conflict e) {
            throw new NameTaken(name); // made through another server just now
        }
    }

    /** The kinds of records identity keeps, for the store. */
    public static List<Kind<?>> kinds() {
        return List.of(Account.KIND, User.KIND, Token.KIND, UserName.KIND);
    }

    public Account account(String id) {
        return store.get(Account.KIND, id);
    }

    public Account root() {
        for (Account a : store.all(Account.KIND)) if (a.isRoot()) return a;
        return null;
    }

    public User user(String id) {
        return store.get(User.KIND, id);
    }

    public User userByName(String username) {
        String id = userByName.get(username.toLowerCase(Locale.ROOT));
        return id == null ? null : user(id);
    }

    public List<User> users(String accountId) {
        var l = new ArrayList<User>();
        for (User u : store.all(User.KIND)) if (u.accountId().equals(accountId)) l.add(u);
        return l;
    }

    /**
     * Checks a username and password from {@code client} (an address); returns the user or null.
     *
     * @throws LoginThrottle.Throttled after too many failures of this name from this client
     */
    public User checkPassword(String username, String password, String client) {
        if (username == null || password == null) return null;
        return checkCredential(username, PasswordHasher.credential(username, password), client);
    }

    /**
     * Checks Kazoo's md5("user:password") credential from {@code client}; returns the user or null.
     *
     * @throws LoginThrottle.Throttled after too many failures of this name from this client
     */
    public User checkCredential(String username, String md5Credential, String client) {
        throttle.check(username, client);
        return counted(username, client, verifyCredential(username, md5Credential));
    }

    /** Counts failed logins in {@code shared} from now on, with other servers sharing it (before anything is served). */
    public void shareLoginThrottle(taskrunner.store.CountWindows shared) {
        throttle.share(shared);
    }

    /** Failed password and credential logins since the start, of every face (metrics). */
    public long failedLogins() {
        return throttle.failures();
    }

    private User counted(String name, String client, User u) {
        if (u == null) throttle.failed(name, client);
        else throttle.succeeded(name, client);
        return u;
    }

    private User verifyCredential(String username, String md5Credential) {
        User u = userByName(username);
        if (u == null) {
            PasswordHasher.verify(md5Credential, Dummy.HASH); // same cost whether or not the user exists
            return null;
        }
        String credential = md5Credential.toLowerCase(Locale.ROOT);
        if (!PasswordHasher.verify(credential, u.passwordHash())) return null;
        return withCredentialKey(u, credential);
    }

    /**
     * A user without a usable credential key (from before keys, or before account names were
     * normalized) gets one at its first good login (no password is kept to make it earlier).
     */
    private User withCredentialKey(User u, String credential) {
        Account a = account(u.accountId());
        if (a == null || PasswordHasher.comparableAccountKey(u.credentialKey(), a.name()) != null) return u;
        User keyed = u.withCredentialKey(PasswordHasher.accountKey(credential, a.name()));
        try {
            store.put(User.KIND, keyed.id(), keyed);
        } catch (IOException e) {
            return u; // the login stands; the key is made at a later one
        }
        return keyed;
    }

    /** Made at the first login of an unknown user, not at class load: a PBKDF2 hash is ~100 ms of a start. */
    private static final class Dummy {
        static final String HASH = PasswordHasher.hash("not a credential");
    }

    /**
     * Finds the user of a Kazoo md5 credential without a username, as Kazoo does with
     * {@code credentials} + {@code account_name}: the name is normalized as Kazoo normalizes
     * it ({@link Account#normalizedName}: "ACME corp" finds "Acme Corp") and every account of
     * that name is tried, as in Kazoo, with one PBKDF2 hash whatever the number of users and
     * accounts: the credential's {@link PasswordHasher#accountKey} for that name is compared
     * (in constant time) with each user's. Users without a comparable key yet (their password
     * predates keys or normalized names) are tried one hash each until they next log in.
     * Throttled per normalized account name and client, as {@link #checkCredential} is per username.
     */
    public User checkCredentialInAccount(String md5Credential, String accountName, String client) {
        if (accountName == null || md5Credential == null) return null;
        String name = Account.normalizedName(accountName);
        throttle.check("account:" + name, client);
        return counted("account:" + name, client, findByAccountKey(md5Credential, name));
    }

    private User findByAccountKey(String md5Credential, String normalizedName) {
        String credential = md5Credential.toLowerCase(Locale.ROOT);
        String key = PasswordHasher.accountKey(credential, normalizedName);
        User found = null;
        for (User u : store.all(User.KIND)) {
            Account a = account(u.accountId());
            if (a == null || !Account.normalizedName(a.name()).equals(normalizedName)) continue;
            String mine = PasswordHasher.comparableAccountKey(u.credentialKey(), a.name());
            if (mine != null) {
                if (Secrets.equal(key, mine) && found == null) found = u;
            } else if (found == null && PasswordHasher.verify(credential, u.passwordHash())) {
                found = withCredentialKey(u, credential);
            }
        }
        return found;
    }

    /** The account whose api_key this is, or null. */
    public Account accountByApiKey(String apiKey) {
        if (apiKey == null) return null;
        String id = accountByKey.get(Secrets.sha256(apiKey));
        return id == null ? null : account(id);
    }

    /** Issues a token for a user (or, with user null, for an account's api_key). */
    public String issueToken(Account account, User user, Long ttlMs) throws IOException {
        String token = Secrets.token();
        long ttl = ttlMs == null ? defaultTtlMs : ttlMs;
        var t = new Token(Secrets.sha256(token), account.id(), user == null ? null : user.id(),
                clock.millis() + ttl, ttl);
        store.put(Token.KIND, t.hash(), t);
        return token;
    }

    /** The principal of a valid token, sliding its expiry; null if unknown or expired. */
    public Principal authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) return null;
        String hash = recentHashes.get(token);
        if (hash == null) {
            hash = Secrets.sha256(token);
            if (recentHashes.size() > 10_000) recentHashes.clear();
            recentHashes.put(token, hash);
        }
        Token t = store.get(Token.KIND, hash);
        long now = clock.millis();
        if (t == null) return null;
        if (t.expires() <= now) {
            try {
                store.delete(Token.KIND, hash);
            } catch (IOException e) {
                LOG.warning("could not delete an expired token: " + e);
            }
            return null;
        }
        Account a = account(t.accountId());
        if (a == null) return null;
        User u = t.userId() == null ? null : user(t.userId());
        if (t.userId() != null && u == null) return null;
        if (now + t.ttlMs() - t.expires() > t.ttlMs() / 10) {
            try {
                store.put(Token.KIND, hash, new Token(hash, t.accountId(), t.userId(), now + t.ttlMs(), t.ttlMs()));
            } catch (IOException e) {
                LOG.warning("could not slide a token's expiry: " + e);
            }
        }
        boolean superduper = a.isRoot() && (u == null || u.admin());
        return new Principal(a, u, token, superduper);
    }

    /** Forgets a token; returns false if it was not known. */
    public boolean revoke(String token) throws IOException {
        if (token == null) return false;
        String hash = Secrets.sha256(token);
        recentHashes.remove(token);
        if (store.get(Token.KIND, hash) == null) return false;
        store.delete(Token.KIND, hash);
        return true;
    }

    /**
     * The rights of a task acting for its owner: those of its account (an account's tasks
     * reach what the account and its descendants own), no user's, never superduper. Null if
     * the account is gone.
     */
    public Principal actingFor(String accountId) {
        Account a = accountId == null ? null : account(accountId);
        return a == null ? null : new Principal(a, null, null, false);
    }

    /** True if the principal may act on {@code accountId}: its own, a descendant, or superduper. */
    public boolean mayAccess(Principal p, String accountId) {
        if (p == null || accountId == null) return false;
        if (p.superduper()) return true;
        if (p.account().id().equals(accountId)) return true;
        Account target = account(accountId);
        return target != null && target.tree().contains(p.account().id());
    }
}
