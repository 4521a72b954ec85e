package taskrunner.core;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * Removes the tasks of every face that finished longer ago than the retention: DONE (a
 * success or a failure) and STOPPED, whatever their face calls them, each with its blobs and
 * what its face keeps beside it, through {@link Lifecycle#delete} (a CKAN job's logs go with
 * it). Tasks not finished (pending, queued, running) stay, however old. What is not a task
 * stays too: EntryStore entries and contexts and RowStore datasets are data, not tasks.
 *
 * <p>A sweep runs at start and then every {@link #EVERY}, on a virtual thread of its own;
 * "finished longer ago" is measured on the core's clock ({@link TaskService#now}), so a
 * test moves it. One log line per sweep that removed something.
 */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());
    public static final Duration EVERY = Duration.ofHours(1);

    private final Lifecycle lifecycle;
    private final TaskService tasks;
    private final Duration keep;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;

    private Retention(Lifecycle lifecycle, TaskService tasks, Duration keep) {
        this.lifecycle = lifecycle;
        this.tasks = tasks;
        this.keep = keep;
        this.thread = Thread.ofVirtual().name("retention").unstarted(this::loop);
    }

    /** Starts sweeping for tasks finished more than {@code days} days ago; null for 0 days (retention off). */
    public static Retention start(Lifecycle lifecycle, TaskService tasks, int days) {
        if (days == 0) return null;
        var r = new Retention(lifecycle, tasks, Duration.ofDays(days));
        r.thread.start();
        return r;
    }

    private void loop() {
        try {
            do {
                sweep();
            } while (!closed.await(EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Removes every task that finished before now minus the retention; returns how many went. */
    int sweep() {
        long cutoff = tasks.now() - keep.toMillis();
        var byFace = new TreeMap<String, Integer>();
        int removed = 0;
        for (Task t : tasks.stored()) {
            if (closed.getCount() == 0) break;
            if (!t.state().finished() || (t.finished() != null ? t.finished() : t.created()) >= cutoff) continue;
            try {
                if (lifecycle.delete(t.id()) == null) continue; // deleted meanwhile
            } catch (TaskService.TaskActive runningAgain) {
                continue;
            } catch (IOException | RuntimeException e) {
                LOG.warning("could not remove task " + t.id() + " (tried again in " + EVERY.toMinutes()
                        + " min): " + e);
                break;
            }
            removed++;
            byFace.merge(t.face(), 1, Integer::sum);
        }
        if (removed > 0) {
            LOG.info("removed " + removed + " tasks that finished before " + Instant.ofEpochMilli(cutoff)
                    + " (" + perFace(byFace) + ")");
        }
        return removed;
    }

    private static String perFace(Map<String, Integer> byFace) {
        var sb = new StringBuilder();
        for (var e : byFace.entrySet()) sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        return sb.toString();
    }

    /** Ends the sweeps; a sweep under way stops before its next removal. */
    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
