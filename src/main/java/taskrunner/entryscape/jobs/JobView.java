package taskrunner.entryscape.jobs;

import taskrunner.core.Task;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of a Taskrunner job: {@code id}, {@code status} (exactly {@code Pending},
 * {@code Running}, {@code Success} or {@code Failed}: production clients compare these
 * strings), and once finished {@code results} or {@code error}.
 */
public final class JobView {
    /** The error of a job stopped before it finished (it has none of its own). */
    public static final String STOPPED = "The job was stopped before it finished";

    private JobView() {}

    public static String status(Task t) {
        return switch (t.state()) {
            case PENDING, QUEUED -> "Pending";
            case RUNNING -> "Running";
            case DONE -> t.error() == null ? "Success" : "Failed";
            case STOPPED -> "Failed";
        };
    }

    static Map<String, Object> of(Task t) {
        FileJobState s = t.faceState(FileJobState.class);
        var m = new LinkedHashMap<String, Object>();
        m.put("id", t.id());
        m.put("status", status(t));
        m.put("type", t.type());
        m.put("resourceURI", s.target().resourceUri());
        if (s.target().prototypeUri() != null) m.put("prototypeURI", s.target().prototypeUri());
        m.put("created", Instant.ofEpochMilli(t.created()).toString());
        if (t.started() != null) m.put("started", Instant.ofEpochMilli(t.started()).toString());
        if (t.finished() != null) m.put("finished", Instant.ofEpochMilli(t.finished()).toString());
        if (t.state() == taskrunner.core.TaskState.RUNNING && t.succeeded() != null) m.put("rowsLoaded", t.succeeded());
        if (t.state().finished()) {
            if (t.state() == taskrunner.core.TaskState.STOPPED) m.put("error", STOPPED);
            else if (t.error() == null) m.put("results", s.results());
            else m.put("error", t.error());
        }
        return m;
    }
}
