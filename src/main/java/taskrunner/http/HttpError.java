package taskrunner.http;

/**
 * Ends a handler with a ready error response (already in its face's envelope). Used for
 * refusals deep in a handler where returning is awkward.
 */
public final class HttpError extends RuntimeException {
    private final transient Response response;

    public HttpError(Response response) {
        super("HTTP " + response.status(), null, false, false);
        this.response = response;
    }

    public Response response() {
        return response;
    }
}
