package taskrunner.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import taskrunner.util.RandomIds;

/**
 * Random secrets, digests and constant-time comparison: the only ways secrets are handled.
 * The random bytes come from {@link RandomIds}; ids that are not secrets are taken there directly.
 */
public final class Secrets {
    private Secrets() {}

    /** 256 random bits, URL-safe base64 without padding (43 characters). */
    public static String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(RandomIds.bytes(32));
    }

    /** A secret of {@code bytes} random bytes as hex (api keys). */
    public static String hex(int bytes) {
        return RandomIds.hex(bytes);
    }

    public static byte[] random(int bytes) {
        return RandomIds.bytes(bytes);
    }

    public static String sha256(String s) {
        return HexFormat.of().formatHex(sha256Bytes(s));
    }

    public static byte[] sha256Bytes(String s) {
        return digest("SHA-256", s.getBytes(StandardCharsets.UTF_8));
    }

    public static String md5(String s) {
        return HexFormat.of().formatHex(digest("MD5", s.getBytes(StandardCharsets.UTF_8)));
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
