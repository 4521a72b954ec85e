package taskrunner.core;

import java.time.Duration;

/** A context that is another one plus something of a face's own (a job's log): forwards every call. */
public abstract class ForwardingTaskContext implements TaskContext {
    private final TaskContext delegate;

    protected ForwardingTaskContext(TaskContext delegate) {
        this.delegate = delegate;
    }

    public String taskId() {
        return delegate.taskId();
    }

    public String accountId() {
        return delegate.accountId();
    }

    public String authAccountId() {
        return delegate.authAccountId();
    }

    public boolean cancelled() {
        return delegate.cancelled();
    }

    public void sleep(Duration d) throws StoppedException {
        delegate.sleep(d);
    }

    public Cancellation.Registration onCancel(Runnable action) {
        return delegate.onCancel(action);
    }
}
