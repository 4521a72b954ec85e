package taskrunner.util;

/**
 * The id of the HTTP request the current thread is answering, for log lines. The router sets
 * it for the length of one exchange and the log format adds it to every line written
 * meanwhile, so a line from any floor (the lifecycle creating a task, the login throttle)
 * names its request without each call handing the id on. A task's own thread has none: it
 * outlives the request that started it.
 */
public final class CurrentRequest {
    private static final ThreadLocal<String> ID = new ThreadLocal<>();

    private CurrentRequest() {}

    /** From now until {@link #clear()}, this thread answers the request {@code id}. */
    public static void set(String id) {
        ID.set(id);
    }

    public static void clear() {
        ID.remove();
    }

    /** The id of the request this thread answers, or null. */
    public static String id() {
        return ID.get();
    }
}
