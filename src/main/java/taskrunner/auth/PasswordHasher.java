package taskrunner.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * PBKDF2-HMAC-SHA256 password hashes, stored as
 * {@code pbkdf2$<iterations>$<salt b64>$<hash b64>}.
 *
 * <p>What is hashed is Kazoo's credential, {@code md5("user:password")} in hex, not the
 * password itself: Kazoo clients log in by sending exactly that md5, and plain-password
 * logins compute it first, so one stored hash serves both without keeping the md5.
 */
public final class PasswordHasher {
    private static final int ITERATIONS = 120_000;

    private PasswordHasher() {}

    public static String credential(String username, String password) {
        return Secrets.md5(username.toLowerCase(java.util.Locale.ROOT) + ":" + password);
    }

    public static String hash(String credential) {
        byte[] salt = Secrets.random(16);
        byte[] h = pbkdf2(credential, salt, ITERATIONS);
        var b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
    }

    /** What marks a key of {@link #accountKey}; a key without it is from before account names were normalized. */
    private static final String ACCOUNT_KEY = "acct$";

    /**
     * A hash of {@code credential} salted by the account's {@link Account#normalizedName}
     * instead of a random salt, as {@code acct$<hash b64>}: the same for every user of the
     * accounts of that name, so the user of an md5 login that names only its account is
     * found with one hash, not one per user, however many accounts share the name. The cost
     * for an attacker with the journal: one hash per guess covers all users of one account
     * name, where the randomly salted hash costs one per user.
     */
    public static String accountKey(String credential, String accountName) {
        byte[] salt = java.util.Arrays.copyOf(
                Secrets.sha256Bytes("taskrunner account key:" + Account.normalizedName(accountName)), 16);
        return ACCOUNT_KEY + Base64.getEncoder().withoutPadding().encodeToString(pbkdf2(credential, salt, ITERATIONS));
    }

    /**
     * A user's stored key in the form {@link #accountKey} makes for the user's account, or
     * null if it cannot be compared with one: no key, or a key from before account names were
     * normalized (bare base64, salted by the name lower-cased) of an account whose name
     * normalizing changes ("Acme Corp"). Such a user's password is checked against its own
     * hash instead, once, and the key made anew. A bare key of an account whose name was
     * already letters and digits had the same salt and serves as it is.
     */
    public static String comparableAccountKey(String stored, String accountName) {
        if (stored == null || stored.startsWith(ACCOUNT_KEY)) return stored;
        return accountName.toLowerCase(java.util.Locale.ROOT).equals(Account.normalizedName(accountName)) ? ACCOUNT_KEY + stored : null;
    }

    public static boolean verify(String credential, String stored) {
        if (credential == null || stored == null) return false;
        String[] p = stored.split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2")) return false;
        var b64 = Base64.getDecoder();
        byte[] h = pbkdf2(credential, b64.decode(p[2]), Integer.parseInt(p[1]));
        return MessageDigest.isEqual(h, b64.decode(p[3]));
    }

    private static final java.util.concurrent.atomic.LongAdder HASHES = new java.util.concurrent.atomic.LongAdder();

    /** PBKDF2 hashes computed by this JVM (each costs ~100 ms of CPU); for metrics and tests. */
    public static long hashesComputed() {
        return HASHES.sum();
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        HASHES.increment();
        try {
            var spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
