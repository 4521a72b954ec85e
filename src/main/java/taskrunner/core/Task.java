package taskrunner.core;

import java.util.Map;

/**
 * One version of a task. Immutable: an update makes a new record, so a reader never sees
 * half an update. Times are epoch milliseconds; counters are null until known
 * ({@code failed} null on a finished task means its code crashed). {@code extras} holds
 * face-specific values (job keys, metadata, result, logs) as JSON-compatible values.
 */
public record Task(
        String id,
        String face,
        String type,
        String accountId,
        String authAccountId,
        TaskState state,
        long created,
        Long started,
        Long finished,
        Long total,
        Long succeeded,
        Long failed,
        String fileName,
        String input,
        String output,
        Checkpoint checkpoint,
        String error,
        Map<String, Object> extras) {

    public Task {
        extras = extras == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extras));
    }

    /**
     * A new task to hand to {@link Lifecycle} (which sets its first state): everything else
     * unset, to be filled with the {@code with*} methods.
     */
    public static Task draft(String id, String face, String type, String accountId, String authAccountId, long created) {
        return new Task(id, face, type, accountId, authAccountId, TaskState.PENDING, created, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    public Task withFileName(String name) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, name, input, output, checkpoint, error, extras);
    }

    public Task withInput(String blob) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, blob, output, checkpoint, error, extras);
    }

    /** Package-private: states are {@link Lifecycle}'s to set. */
    Task withState(TaskState s) {
        return new Task(id, face, type, accountId, authAccountId, s, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, extras);
    }

    public Task withStarted(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, t, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, extras);
    }

    public Task withFinished(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, t, total,
                succeeded, failed, fileName, input, output, checkpoint, error, extras);
    }

    public Task withCounters(Long ok, Long bad) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                ok, bad, fileName, input, output, checkpoint, error, extras);
    }

    public Task withTotal(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, t,
                succeeded, failed, fileName, input, output, checkpoint, error, extras);
    }

    public Task withOutput(String blob) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, blob, checkpoint, error, extras);
    }

    public Task withCheckpoint(Checkpoint c) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, c, error, extras);
    }

    public Task withError(String e) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, e, extras);
    }

    public Task withExtras(Map<String, Object> x) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, x);
    }

    /** A copy with one extra set (or removed, when value is null). */
    public Task withExtra(String key, Object value) {
        var x = new java.util.LinkedHashMap<>(extras);
        if (value == null) x.remove(key);
        else x.put(key, value);
        return withExtras(x);
    }

    public Object extra(String key) {
        return extras.get(key);
    }
}
