package taskrunner.store;

import java.io.IOException;

/**
 * A write the store's database did not take, or may not have taken (the connection broke before
 * its commit was confirmed): answered 503 with Retry-After, as a server that cannot promise
 * durability must. Its message is for clients: it never holds the database's address or
 * credentials (the log line has the cause).
 */
public final class StoreUnavailable extends IOException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
