package taskrunner.tasks.datapusher;

import taskrunner.core.Cancellation;
import taskrunner.core.TaskContext;
import taskrunner.core.TaskContext.StoppedException;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The network step a push is blocked in (an exchange with CKAN, a download's answer or body),
 * ended at once when the job is asked to stop: a stop never interrupts the job's thread
 * ({@link TaskContext}), so the stopping thread cancels the exchange or closes the body here,
 * and the blocked call returns.
 *
 * <p>Invariant: at most one step is held at a time; a step set after the stop is ended as it is
 * set, so no step outlives a stop by more than its own unwinding. Threading: {@link #await} and
 * {@link #closeOnStop} on the job's thread; the stop action on the stopping thread.
 */
final class InFlight implements AutoCloseable {
    private final TaskContext ctx;
    private final Cancellation.Registration registration;
    private volatile Runnable abort;

    InFlight(TaskContext ctx) {
        this.ctx = ctx;
        this.registration = ctx.onCancel(() -> {
            Runnable a = abort;
            if (a != null) a.run();
        });
    }

    /**
     * Waits for {@code exchange}; a stop cancels it.
     *
     * @throws IOException      what the exchange failed with (its cause, if that is an IOException)
     * @throws StoppedException if the job was asked to stop
     */
    <T> T await(CompletableFuture<T> exchange) throws IOException, StoppedException {
        hold(() -> exchange.cancel(true));
        try {
            return exchange.get();
        } catch (CancellationException e) {
            throw new StoppedException();
        } catch (ExecutionException e) {
            ctx.checkpoint();
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            // not ours: an interrupt comes from outside the runner; keep it for whoever sent it
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            abort = null;
        }
    }

    /** Closes {@code body} if the job is asked to stop while it is read (until {@link #release}). */
    void closeOnStop(Closeable body) {
        hold(() -> {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is how the read is ended; a failure to close ends it too
            }
        });
    }

    /** After a failed read: a read that failed because the job was stopped is a stop, not a failure. */
    void checkStopped() throws StoppedException {
        ctx.checkpoint();
    }

    /** The body is read: a stop no longer concerns it. */
    void release() {
        abort = null;
    }

    private void hold(Runnable a) {
        abort = a;
        if (ctx.cancelled()) a.run();
    }

    @Override
    public void close() {
        registration.close();
    }
}
