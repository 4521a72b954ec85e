package taskrunner;

import java.util.logging.LogManager;

/**
 * The jar's {@link LogManager}: the JDK's, except that it keeps its handlers while the JVM
 * shuts down. The JDK resets logging in a shutdown hook of its own, which runs beside
 * {@link Main}'s, so the lines written while the server closes (its "server stopped") would
 * be dropped whenever the reset came first. Named by {@link Main} in
 * {@code java.util.logging.manager} before anything logs; an embedder's logging is its own.
 */
public final class ShutdownLogManager extends LogManager {
    public ShutdownLogManager() {}

    @Override
    public void reset() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe); // refused once the JVM is shutting down
            Runtime.getRuntime().removeShutdownHook(probe);
        } catch (IllegalStateException shuttingDown) {
            return; // the JVM's own hook: the handlers stay for the lines the other hooks still write
        }
        super.reset();
    }
}
