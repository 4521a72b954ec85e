package taskrunner.http.multipart;

import java.io.IOException;

/**
 * Malformed or over-limit {@code multipart/form-data} input.
 *
 * <p>Invariant: always describes a fault of the request body or its Content-Type, never of the
 * server, so the HTTP layer can map it to 400 without inspecting it. It is an {@link IOException}
 * because it surfaces from the same stream reads that can fail for transport reasons.
 */
public final class MultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    public MultipartException(String message) {
        super(message);
    }
}
