package taskrunner.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets, digests and constant-time comparison: the only ways secrets are handled. */
public final class Secrets {
    private static final SecureRandom RANDOM = strong();

    /** DRBG: as strong as the default, without NativePRNG's lock and read of /dev/urandom per call. */
    private static SecureRandom strong() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** 16 random hex digits of 64 bits, for ids that are not secrets (request ids). */
    public static String weakHex16() {
        return HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    private Secrets() {}

    /** 256 random bits, URL-safe base64 without padding (43 characters). */
    public static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }

    public static String sha256(String s) {
        return HexFormat.of().formatHex(digest("SHA-256", s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String md5(String s) {
        return HexFormat.of().formatHex(digest("MD5", s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String sha1(String s) {
        return HexFormat.of().formatHex(digest("SHA-1", s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Compares in time independent of where the inputs differ. Nulls never match. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] digest(String alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
