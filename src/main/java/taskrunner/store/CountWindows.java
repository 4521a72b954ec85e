package taskrunner.store;

/**
 * Counts of events per (name, client) pair in windows of time (the failed logins the login
 * throttle counts): in one server's memory, or in a database several servers share so they
 * count together. Names come lowercased, never null.
 */
public interface CountWindows {
    /** A pair's count since {@code start} (epoch milliseconds). */
    record Window(long start, int count) {}

    /** The pair's window, or null. */
    Window get(String name, String client);

    /** Counts one at {@code now} (a new window when the last one began {@code windowMs} ago or more); returns the window after it. */
    Window count(String name, String client, long now, long windowMs);

    void clear(String name, String client);
}
