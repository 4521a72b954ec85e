package taskrunner.auth;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user of an account. {@code username} is lowercase and unique across the server;
 * {@code passwordHash} is a {@link PasswordHasher} hash; {@code admin} is Kazoo's
 * priv_level "admin"; {@code credentialKey} is the {@link PasswordHasher#accountKey} of
 * the user's credential, which finds the user of an md5 login by account name with one
 * hash (null for users whose password was set before it existed, until they next log in;
 * keys made before account names were normalized are bare base64, see
 * {@link PasswordHasher#comparableAccountKey}).
 */
public record User(String id, String accountId, String username, String passwordHash, boolean admin,
                   String firstName, String lastName, String email, long created, String credentialKey) {
    public static final Kind<User> KIND = new Kind<>("user", new Kind.Codec<>() {
        public Map<String, Object> encode(User u) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", u.id);
            m.put("account", u.accountId);
            m.put("username", u.username);
            m.put("hash", u.passwordHash);
            m.put("admin", u.admin);
            if (u.firstName != null) m.put("first_name", u.firstName);
            if (u.lastName != null) m.put("last_name", u.lastName);
            if (u.email != null) m.put("email", u.email);
            m.put("created", u.created);
            if (u.credentialKey != null) m.put("ckey", u.credentialKey);
            return m;
        }

        public User decode(Map<String, Object> m) {
            return new User((String) m.get("id"), (String) m.get("account"), (String) m.get("username"),
                    (String) m.get("hash"), Boolean.TRUE.equals(m.get("admin")), (String) m.get("first_name"),
                    (String) m.get("last_name"), (String) m.get("email"), ((Number) m.get("created")).longValue(),
                    (String) m.get("ckey"));
        }
    });

    public User withCredentialKey(String key) {
        return new User(id, accountId, username, passwordHash, admin, firstName, lastName, email, created, key);
    }
}
