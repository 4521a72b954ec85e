package taskrunner.ui;

import taskrunner.Face;
import taskrunner.core.Task;

import java.util.Locale;

/**
 * The dashboard's one status vocabulary across faces, for its filters and counts: the core
 * state, with a task that ended with an error (as its face reads it) counted as failed.
 * Rows that failed inside a finished row task do not make it failed: they are counters.
 */
enum DashboardStatus {
    PENDING, QUEUED, RUNNING, DONE, FAILED, STOPPED;

    static DashboardStatus of(Task t, Face.Status read) {
        return switch (t.state()) {
            case PENDING -> PENDING;
            case QUEUED -> QUEUED;
            case RUNNING -> RUNNING;
            case DONE -> read.error() == null ? DONE : FAILED;
            case STOPPED -> STOPPED;
        };
    }

    /** The wire word: the name in lower case. */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a wire word, or null if it is none. */
    static DashboardStatus parse(String word) {
        for (DashboardStatus s : values()) if (s.word().equals(word)) return s;
        return null;
    }
}
