package taskrunner.kazoo;

import taskrunner.core.Task;

/**
 * Kazoo's status algorithm ({@code kz_tasks:status/1}, reference §5.3), clause by clause:
 * stopped is sticky; not started means pending; started (queued here, or running) and not
 * finished means executing;
 * then success / failure / partial from total T, failed F and succeeded S, with
 * internal_error when no clause matches (e.g. F unknown after the task's code crashed).
 */
final class KazooStatus {
    private KazooStatus() {}

    static String of(Task t) {
        switch (t.state()) {
            case STOPPED -> {
                return "stopped";
            }
            case PENDING -> {
                return "pending";
            }
            case QUEUED, RUNNING -> {
                return "executing"; // Kazoo has no word for waiting for a slot: it was started
            }
            case DONE -> {
                // the counters decide, below
            }
        }
        Long total = t.total();
        Long f = t.failed();
        Long s = t.succeeded();
        if (f == null || s == null) return "internal_error";
        if (total != null && total > 0) {
            if (f == 0 && s >= total) return "success";
            if (f.equals(total) && s == 0) return "failure";
            if (total > f && total > s) return "partial";
            return "internal_error";
        }
        if (f == 0) return "success";
        if (s == 0) return "failure";
        return "partial";
    }
}
