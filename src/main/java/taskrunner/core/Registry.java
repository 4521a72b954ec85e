package taskrunner.core;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task types this server can run, by key ({@code category/action} for row tasks, the
 * name for job tasks). Filled before the server starts, read-only after.
 */
public final class Registry {
    private final Map<String, RowTaskType> rows = new LinkedHashMap<>();
    private final Map<String, JobTaskType> jobs = new LinkedHashMap<>();

    public Registry add(RowTaskType t) {
        if (rows.putIfAbsent(t.key(), t) != null) throw new IllegalArgumentException("duplicate task type " + t.key());
        return this;
    }

    public Registry add(JobTaskType t) {
        if (jobs.putIfAbsent(t.name(), t) != null) throw new IllegalArgumentException("duplicate job type " + t.name());
        return this;
    }

    public RowTaskType row(String key) {
        return rows.get(key);
    }

    public JobTaskType job(String name) {
        return jobs.get(name);
    }

    public Collection<RowTaskType> rowTypes() {
        return Collections.unmodifiableCollection(rows.values());
    }

    public Collection<JobTaskType> jobTypes() {
        return Collections.unmodifiableCollection(jobs.values());
    }
}
