package taskrunner.entryscape.entrystore;

import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * EntryStore's modification dates on the wire: every read and write of an entry, its
 * metadata or its resource carries {@code Last-Modified} and {@code ETag: "<ms>"} of the
 * entry's last change (entrystore.js sets its copy of {@code dcterms:modified} from the
 * header), and a write that carries {@code If-Unmodified-Since} is refused with 412 when the
 * entry changed in a later second than that date. One-second resolution, as HTTP dates have:
 * the library sends the seconds-floor of {@code dcterms:modified}, which must be accepted.
 */
public final class LastModified {
    private LastModified() {}

    public static Response stamp(Response r, long modifiedMs) {
        return r.header("Last-Modified", http(modifiedMs)).header("ETag", "\"" + modifiedMs + "\"");
    }

    public static String http(long ms) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
    }

    /**
     * Refuses the write with 412 if the entry changed after the request's
     * {@code If-Unmodified-Since}. A date that does not parse is ignored, as RFC 9110 says.
     * Call it holding the entry's write lock, on the version about to be replaced.
     */
    public static void check(Request req, long modifiedMs) {
        String since = req.header("If-Unmodified-Since");
        if (since == null) return;
        long sinceS;
        try {
            sinceS = ZonedDateTime.parse(since.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return;
        }
        if (Math.floorDiv(modifiedMs, 1000) > sinceS) throw new HttpError(preconditionFailed());
    }

    /**
     * The 412 the real EntryStore sends: not its JSON envelope but the HTML status page of
     * Restlet, which evaluates the condition before EntryStore's code runs
     * (entrystore-observed.md). Same status and media type here, in our own words.
     */
    private static Response preconditionFailed() {
        return Response.text(412, "text/html; charset=UTF-8", "<html><head><title>Status page</title></head><body>"
                + "<p>Precondition Failed</p><p>The entry was changed after the date in If-Unmodified-Since: "
                + "read it again and reapply the change.</p></body></html>\n");
    }
}
