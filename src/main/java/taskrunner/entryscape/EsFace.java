package taskrunner.entryscape;

import taskrunner.http.ErrorEnvelope;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.util.Map;

/**
 * The error envelope of the EntryScape face: EntryStore's {@code {"error": "<text>"}}
 * (RowStore and the Taskrunner use the same shape here). Stateless.
 */
public final class EsFace implements ErrorEnvelope {
    public static final EsFace INSTANCE = new EsFace();

    private EsFace() {}

    @Override
    public Response error(Request req, int status, String message) {
        return Response.json(status, Map.of("error", message));
    }

    /** An error response to throw from deep inside a handler. */
    public static HttpError fail(int status, String message) {
        return new HttpError(Response.json(status, Map.of("error", message)));
    }
}
