package taskrunner.ckan;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * CKAN's timestamps: kept as epoch microseconds, shown as the server's local time without
 * offset (Python's naive {@code datetime.now().isoformat()}), but always with six
 * fractional digits, because CKAN parses them with {@code %Y-%m-%dT%H:%M:%S.%f} and Python
 * drops the fraction when it is zero.
 */
final class CkanTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private CkanTime() {}

    static long nowMicros(Clock clock) {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static String format(long micros) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        return FORMAT.format(LocalDateTime.ofInstant(i, ZoneId.systemDefault()));
    }

    /** Formats a stored value (a Number of microseconds), or null. */
    static String format(Object micros) {
        return micros instanceof Number n ? format(n.longValue()) : null;
    }
}
