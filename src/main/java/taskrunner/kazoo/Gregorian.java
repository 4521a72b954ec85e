package taskrunner.kazoo;

/** Kazoo's timestamps: seconds since 0000-01-01T00:00:00Z (unix seconds + 62167219200). */
final class Gregorian {
    static final long UNIX_EPOCH_OFFSET = 62_167_219_200L;

    private Gregorian() {}

    static long fromMillis(long epochMillis) {
        return Math.floorDiv(epochMillis, 1000) + UNIX_EPOCH_OFFSET;
    }
}
