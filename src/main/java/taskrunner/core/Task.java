package taskrunner.core;

/**
 * One version of a task. Immutable: an update makes a new record, so a reader never sees
 * half an update. Times are epoch milliseconds; counters are null until known
 * ({@code failed} null on a finished task means its code crashed). {@code faceState} is
 * the face's own part ({@link FaceState}: its submission, results, commit phase), or null
 * when the face keeps none; read it with {@link #faceState(Class)}.
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
        FaceState faceState) {

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
                succeeded, failed, name, input, output, checkpoint, error, faceState);
    }

    public Task withInput(String blob) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, blob, output, checkpoint, error, faceState);
    }

    /** Package-private: states are {@link Lifecycle}'s to set. */
    Task withState(TaskState s) {
        return new Task(id, face, type, accountId, authAccountId, s, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, faceState);
    }

    public Task withStarted(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, t, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, faceState);
    }

    public Task withFinished(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, t, total,
                succeeded, failed, fileName, input, output, checkpoint, error, faceState);
    }

    public Task withCounters(Long ok, Long bad) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                ok, bad, fileName, input, output, checkpoint, error, faceState);
    }

    public Task withTotal(Long t) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, t,
                succeeded, failed, fileName, input, output, checkpoint, error, faceState);
    }

    public Task withOutput(String blob) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, blob, checkpoint, error, faceState);
    }

    public Task withCheckpoint(Checkpoint c) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, c, error, faceState);
    }

    public Task withError(String e) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, e, faceState);
    }

    public Task withFaceState(FaceState s) {
        return new Task(id, face, type, accountId, authAccountId, state, created, started, finished, total,
                succeeded, failed, fileName, input, output, checkpoint, error, s);
    }

    /**
     * The face's state as its own type, or null when there is none.
     *
     * @throws IllegalStateException if the task holds another face's state
     */
    public <S extends FaceState> S faceState(Class<S> type) {
        if (faceState == null || type.isInstance(faceState)) return type.cast(faceState);
        throw new IllegalStateException("task " + id + " of face " + face + " holds a "
                + faceState.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
}
