package taskrunner.entryscape.jobs;

import taskrunner.core.Runner;
import taskrunner.core.TaskService;
import taskrunner.core.TaskState;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Hands jobs to the runner one lane (distribution) at a time, in submission order, so a
 * burst of jobs on one distribution waits here as {@code Pending} instead of holding runner
 * slots that every face shares while blocked on the distribution's lock.
 *
 * <p>Invariant: a lane is in {@link #lanes} exactly while one of its jobs is with the
 * runner; its deque holds the jobs waiting behind that one. Guarded by {@code lanes}.
 */
final class JobLanes {
    private static final Logger LOG = Logger.getLogger(JobLanes.class.getName());
    private final TaskService tasks;
    private final TaskService.Execution execution;
    private final Map<String, ArrayDeque<String>> lanes = new HashMap<>();

    JobLanes(TaskService tasks, TaskService.Execution execution) {
        this.tasks = tasks;
        this.execution = execution;
    }

    /** Runs the job now if its lane is free, else after the jobs ahead of it. */
    void submit(String lane, String id) {
        synchronized (lanes) {
            var waiting = lanes.get(lane);
            if (waiting != null) {
                waiting.add(id);
                return;
            }
            lanes.put(lane, new ArrayDeque<>());
        }
        try {
            start(lane, id);
        } catch (Runner.QueueFull e) {
            synchronized (lanes) {
                lanes.remove(lane);
            }
            throw e;
        }
    }

    private void start(String lane, String id) {
        tasks.run(id, (task, ctx) -> {
            try {
                execution.run(task, ctx);
            } finally {
                next(lane);
            }
        });
    }

    private void next(String lane) {
        while (true) {
            String id;
            synchronized (lanes) {
                var waiting = lanes.get(lane);
                id = waiting == null ? null : waiting.poll();
                if (id == null || tasks.runner().shuttingDown()) {
                    lanes.remove(lane); // at shutdown the rest stay queued; the next start runs them
                    return;
                }
            }
            try {
                start(lane, id);
                return;
            } catch (Runner.QueueFull e) {
                LOG.warning("job " + id + " could not be queued: " + e.getMessage());
                try {
                    tasks.update(id, t -> t.state().finished() ? t
                            : t.withState(TaskState.DONE).withFinished(tasks.now()).withError("the task queue was full"));
                } catch (IOException io) {
                    LOG.warning("could not record that job " + id + " failed: " + io);
                }
            }
        }
    }
}
