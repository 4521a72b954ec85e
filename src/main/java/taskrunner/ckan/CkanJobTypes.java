package taskrunner.ckan;

import taskrunner.core.JobTaskType;
import taskrunner.core.Registry;
import taskrunner.core.RowTaskType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job types the CKAN face offers, fixed at install: the registry's job types (the
 * built-in {@code echo} and {@code sleep} among them when the server offers the examples),
 * then every row task type as {@code <category>/<action>} (see {@link RowJob}).
 */
final class CkanJobTypes {
    private final Map<String, JobTaskType> types = new LinkedHashMap<>();

    CkanJobTypes(Registry registry) {
        for (JobTaskType t : registry.jobTypes()) types.put(t.name(), t);
        for (RowTaskType t : registry.rowTypes()) types.putIfAbsent(t.key(), RowJob.of(t));
    }

    JobTaskType get(String name) {
        return name == null ? null : types.get(name);
    }

    List<String> sortedNames() {
        var l = new ArrayList<>(types.keySet());
        Collections.sort(l);
        return l;
    }
}
