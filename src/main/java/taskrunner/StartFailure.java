package taskrunner;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A start refused for a reason the operator can fix (a busy port, a data directory in use
 * or unreadable, a bad tasks file); its message is one line written for them, naming the
 * flag or file to change. Nothing was written before a busy port or a bad address was
 * found.
 */
public class StartFailure extends IOException {
    public StartFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The port is taken by another process. */
    public static final class PortInUse extends StartFailure {
        PortInUse(String bind, int port, Throwable cause) {
            super("port " + port + " is in use on " + bind + "; try --port N", cause);
        }
    }

    /** Another server (in this or another process) holds the data directory's lock. */
    public static final class DataDirInUse extends StartFailure {
        DataDirInUse(Path dir, String holder, Throwable cause) {
            super("data directory " + dir + " is in use by another server (" + holder + "); stop it or use --data DIR", cause);
        }
    }
}
