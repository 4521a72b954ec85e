package taskrunner.entryscape.jobs;

import taskrunner.core.Busy;
import taskrunner.core.Lifecycle;
import taskrunner.core.Task;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Hands jobs to the core one lane (distribution) at a time, in submission order, so a
 * burst of jobs on one distribution waits here as {@code Pending} (QUEUED in the core,
 * outside the runner) instead of holding runner slots that every face shares while blocked
 * on the distribution's lock.
 *
 * <p>Invariant: a lane is in {@link #lanes} exactly while one of its jobs (its
 * {@code current}) is with the runner; its deque holds the jobs waiting behind that one.
 * Guarded by {@code lanes}.
 */
final class JobLanes {
    private static final Logger LOG = Logger.getLogger(JobLanes.class.getName());

    private static final class Lane {
        String current;
        final ArrayDeque<String> waiting = new ArrayDeque<>();
    }

    private final Lifecycle lifecycle;
    private final Map<String, Lane> lanes = new HashMap<>();

    JobLanes(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * Runs the job now if its lane is free, else after the jobs ahead of it.
     *
     * @throws Busy if the lane is free but the runner's queue is full (the job stays QUEUED)
     */
    void submit(String lane, String id) {
        synchronized (lanes) {
            Lane l = lanes.get(lane);
            if (l != null) {
                l.waiting.add(id);
                return;
            }
            l = new Lane();
            l.current = id;
            lanes.put(lane, l);
        }
        try {
            if (!lifecycle.run(id)) next(lane, id);
        } catch (Busy e) {
            synchronized (lanes) {
                lanes.remove(lane);
            }
            throw e;
        }
    }

    /**
     * A job's run is over: the next job of its lane goes to the runner (not at shutdown: they
     * stay queued). A run that ended unfinished otherwise was let go (another server runs it now).
     */
    void ended(String lane, Task task) {
        if (!task.state().finished() && lifecycle.closing()) {
            synchronized (lanes) {
                lanes.remove(lane); // interrupted by shutdown: the next start requeues the lane's jobs
            }
            return;
        }
        next(lane, task.id());
    }

    private void next(String lane, String endedId) {
        while (true) {
            String id;
            synchronized (lanes) {
                Lane l = lanes.get(lane);
                if (l == null || !endedId.equals(l.current)) return; // stopped while it waited: not the lane's turn
                id = l.waiting.poll();
                if (id == null) {
                    lanes.remove(lane);
                    return;
                }
                l.current = id;
            }
            try {
                if (lifecycle.run(id)) return;
                endedId = id; // stopped or deleted while it waited: on to the next
            } catch (Busy e) {
                if (lifecycle.closing()) return; // stays QUEUED: the next start requeues it
                LOG.warning("job " + id + " could not be queued: " + e.getMessage());
                try {
                    lifecycle.fail(id, "the task queue was full");
                } catch (IOException io) {
                    LOG.warning("could not record that job " + id + " failed: " + io);
                }
                endedId = id;
            }
        }
    }
}
