package taskrunner.core;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log line of each change of a task's state, one line per event, written by
 * {@link Lifecycle} where the change is journaled: {@code task created}, {@code queued},
 * {@code started}, {@code stopped}, {@code finished} (done without an error) and
 * {@code failed} (done with one), as {@code key=value} fields: id, face, type, owner (the
 * account; {@code -} for none) and, at an end, the time it ran and its row counters; a
 * failure's error text comes last, since it may hold spaces. A change made while answering a
 * request is logged on that request's thread, so the line carries its id.
 *
 * <p>What is logged is ids, names, numbers and the error a task ended with: never its input,
 * output, face state (which may hold a CKAN job's api_key) or any other secret.
 */
final class TaskEvents {
    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
    /** An error is cut to this many characters: a log line, not a report. */
    private static final int ERROR_CHARS = 300;

    private TaskEvents() {}

    /** After {@code before} (null: the task is new) became {@code after}, as journaled. */
    static void changed(Task before, Task after) {
        if (!LOG.isLoggable(Level.INFO)) return;
        TaskState was = before == null ? null : before.state();
        TaskState now = after.state();
        if (was == null) log(Level.INFO, "created", after, " state=" + now.name().toLowerCase(Locale.ROOT));
        if (was == now) return;
        switch (now) {
            case QUEUED -> {
                if (was != null) log(Level.INFO, "queued", after, "");
            }
            case RUNNING -> log(Level.INFO, "started", after, " waited=" + seconds(after.created(), after.started()));
            case STOPPED -> log(Level.INFO, "stopped", after, ended(after));
            case DONE -> {
                if (after.error() == null) {
                    log(Level.INFO, "finished", after, ended(after));
                } else {
                    String error = after.error().length() > ERROR_CHARS ? after.error().substring(0, ERROR_CHARS) + "…" : after.error();
                    log(Level.WARNING, "failed", after, ended(after) + " error=" + error);
                }
            }
            case PENDING -> { } // only ever a task's first state
        }
    }

    private static void log(Level level, String event, Task t, String fields) {
        LOG.log(level, "task " + event + " id=" + t.id() + " face=" + t.face() + " type=" + t.type()
                + " owner=" + (t.accountId() == null ? "-" : t.accountId()) + fields);
    }

    private static String ended(Task t) {
        var sb = new StringBuilder(" ran=").append(seconds(t.started(), t.finished()));
        if (t.succeeded() != null) sb.append(" ok=").append(t.succeeded());
        if (t.failed() != null) sb.append(" failed=").append(t.failed());
        return sb.toString();
    }

    /** The time between two epoch-millisecond instants, {@code 1.250s}; {@code -} if one is unknown. */
    private static String seconds(Long from, Long to) {
        if (from == null || to == null) return "-";
        return String.format(Locale.ROOT, "%.3fs", Math.max(0, to - from) / 1000.0);
    }
}
