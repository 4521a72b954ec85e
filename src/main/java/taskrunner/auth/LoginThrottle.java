package taskrunner.auth;

import taskrunner.store.CountWindows;
import taskrunner.store.CountWindows.Window;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Brakes password guessing: after {@link #LIMIT} failed logins of one name from one client
 * address within {@link #WINDOW_MS}, that pair is refused ({@link Throttled}, answered 429
 * with Retry-After by every face) until the window has passed. Other names from that address,
 * and that name from other addresses, are not affected, so a guesser cannot lock a user out
 * from everywhere. A good login clears its pair.
 *
 * <p>The windows live in {@link CountWindows}: this server's memory by default, or a store that
 * servers sharing a database share ({@link #share}), so a guesser gets no more tries by sending
 * them to several servers.
 */
public final class LoginThrottle {
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());
    public static final int LIMIT = 10;
    public static final long WINDOW_MS = 60_000;
    private static final int PRUNE_AT = 10_000;

    /** Too many failed logins for this name from this address: try again after {@code retryAfterSeconds}. */
    public static final class Throttled extends RuntimeException {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super("too many failed logins; try again in " + retryAfterSeconds + " s", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * This server's windows: a pair's window is replaced, never changed in place, inside
     * {@code compute} on its key; pruned of passed windows when it grows past {@link #PRUNE_AT}.
     */
    private static final class InMemory implements CountWindows {
        private record Key(String name, String client) {}

        private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();

        public Window get(String name, String client) {
            return windows.get(new Key(name, client));
        }

        public Window count(String name, String client, long now, long windowMs) {
            Window w = windows.compute(new Key(name, client), (k, old) ->
                    old == null || now - old.start() >= windowMs ? new Window(now, 1) : new Window(old.start(), old.count() + 1));
            if (windows.size() > PRUNE_AT) windows.values().removeIf(x -> now - x.start() >= windowMs);
            return w;
        }

        public void clear(String name, String client) {
            windows.remove(new Key(name, client));
        }
    }

    private volatile CountWindows windows = new InMemory();
    private final java.util.concurrent.atomic.LongAdder failures = new java.util.concurrent.atomic.LongAdder();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Keeps the windows in {@code shared} from now on (before anything is served). */
    public void share(CountWindows shared) {
        this.windows = shared;
    }

    /** @throws Throttled if this pair has used up its failures in the current window */
    public void check(String name, String client) {
        Window w = windows.get(name(name), client(client));
        long now = clock.millis();
        if (w != null && w.count() >= LIMIT && now - w.start() < WINDOW_MS) {
            throw new Throttled(Math.max(1, (w.start() + WINDOW_MS - now + 999) / 1000));
        }
    }

    /** Counts and logs a failed login: every face's password and credential checks end here. */
    public void failed(String name, String client) {
        failures.increment();
        // the name is a login attempt, not a secret; control characters cannot split the line
        LOG.info("login failed for " + printable(name) + " from " + client);
        long now = clock.millis();
        Window w = windows.count(name(name), client(client), now, WINDOW_MS);
        if (w.count() == LIMIT) {
            LOG.warning("login: " + LIMIT + " failed logins for " + printable(name) + " from " + client
                    + " within " + WINDOW_MS / 1000 + " s; refusing that pair until the window passes");
        }
    }

    /** Failed logins since the start (metrics). */
    public long failures() {
        return failures.sum();
    }

    public void succeeded(String name, String client) {
        windows.clear(name(name), client(client));
    }

    private static String name(String name) {
        return name == null ? "" : name.toLowerCase(java.util.Locale.ROOT);
    }

    private static String client(String client) {
        return client == null ? "" : client;
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
