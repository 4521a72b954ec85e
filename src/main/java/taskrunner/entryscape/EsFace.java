package taskrunner.entryscape;

import taskrunner.http.ErrorEnvelope;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.util.Map;

/**
 * The error envelope of the EntryScape face: EntryStore's {@code {"error": "<text>"}}
 * (RowStore and the Taskrunner use the same shape here). Stateless.
 *
 * <p>Under {@code /store} a path no route matches is a part of EntryStore's API this server
 * does not implement (or no EntryStore route at all): it is answered 501 with a text that
 * names the route as unsupported, not a bare 404 a client could take for a missing entry.
 */
public final class EsFace implements ErrorEnvelope {
    public static final EsFace INSTANCE = new EsFace();

    private EsFace() {}

    @Override
    public Response error(Request req, int status, String message) {
        if (status == 404 && req != null && (req.path().equals("/store") || req.path().startsWith("/store/"))) {
            return unsupported(req).response(); // the router's 404 is "no route"; handlers throw their own
        }
        return Response.json(status, Map.of("error", message));
    }

    /** 501: the request names a route of EntryStore's API that this server does not implement. */
    public static HttpError unsupported(Request req) {
        return fail(501, "Not supported by this server: " + req.method() + " " + req.path()
                + " (it implements a subset of the EntryStore API)");
    }

    /** An error response to throw from deep inside a handler. */
    public static HttpError fail(int status, String message) {
        return new HttpError(Response.json(status, Map.of("error", message)));
    }
}
