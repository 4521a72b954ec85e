package taskrunner.http;

/**
 * How one of the APIs taskrunner speaks writes an error, as the router sees it.
 *
 * <p>Threading: called from request threads concurrently; implementations are stateless.
 */
public interface ErrorEnvelope {
    /**
     * The error response in this face's envelope for a status the router decides (404 no
     * route, 405 method, 413 body too large, 400 malformed body, 500 unexpected, 503 busy).
     */
    Response error(Request req, int status, String message);
}
