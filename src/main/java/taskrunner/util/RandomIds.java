package taskrunner.util;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one source of random bytes and random hex ids (records, blobs, tasks, requests).
 *
 * <p>Rule of this package: it imports nothing of ours, so every floor, {@code store/} and
 * {@code http/} included, may use it. Secrets ({@code auth.Secrets}) take their bytes from here.
 */
public final class RandomIds {
    private static final SecureRandom STRONG = strong();

    private RandomIds() {}

    /** DRBG: as strong as the default, without NativePRNG's lock and read of /dev/urandom per call. */
    private static SecureRandom strong() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** {@code n} bytes from a cryptographically strong generator. */
    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        STRONG.nextBytes(b);
        return b;
    }

    /** {@code 2 * bytes} lower-case hex digits from a strong generator: unguessable ids. */
    public static String hex(int bytes) {
        return HexFormat.of().formatHex(bytes(bytes));
    }

    /**
     * {@code 2 * bytes} lower-case hex digits from a fast, guessable generator, for ids that
     * only need to be distinct (request ids), never for anything a client must not guess.
     */
    public static String weakHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
