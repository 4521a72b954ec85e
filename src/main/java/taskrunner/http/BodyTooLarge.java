package taskrunner.http;

import java.io.IOException;

/** A request body went past its route's limit; the router answers 413. */
public final class BodyTooLarge extends IOException {
    public BodyTooLarge(long limit) {
        super("request body larger than " + limit + " bytes");
    }
}
