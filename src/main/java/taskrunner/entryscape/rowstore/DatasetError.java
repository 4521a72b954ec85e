package taskrunner.entryscape.rowstore;

/** The CSV given for a dataset cannot be loaded; the message says why, for the client. */
public final class DatasetError extends Exception {
    public DatasetError(String message) {
        super(message, null, false, false);
    }
}
