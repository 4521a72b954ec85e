package taskrunner;

import taskrunner.core.Execution;
import taskrunner.core.FaceState;
import taskrunner.core.Recovery;
import taskrunner.core.Task;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.List;
import java.util.Locale;

/**
 * One API face, all the server needs of it in one place: its name (the {@code face} of its
 * tasks), the record kinds it keeps in the store, the codec of its tasks' own state, the path prefixes it owns and its error
 * envelope, its routes, and how its tasks run and recover. The server wires these; a face
 * registers nothing on the side.
 *
 * <p>Threading: {@link #kinds}, {@link #prefixes} and {@link #install} are called once, in
 * that order, on the starting thread before the server listens; {@link #error} and
 * {@link #status} are called from request threads concurrently.
 */
public interface Face extends ErrorEnvelope {
    /** How the core runs this face's tasks and what it does with them after a crash. */
    record TaskHandling(Execution execution, Recovery.Policy recovery) {}

    /** The name of this face's tasks ({@code Task.face()}). */
    String name();

    default List<Kind<?>> kinds() {
        return List.of();
    }

    /** The codec of the state this face's tasks carry ({@code Task.faceState()}), or null if they carry none. */
    default FaceState.Codec<?> stateCodec() {
        return null;
    }

    /**
     * Paths under these prefixes that match no route get this face's 404 envelope; {@code "/"}
     * claims every path no other face does (one face at most).
     */
    List<String> prefixes();

    /** Adds the face's routes; returns how its tasks are handled. */
    TaskHandling install(Router router, Services services) throws Exception;

    /**
     * How a task reads in this face's own API: its status word there, and the error it ended
     * with as text (null if none).
     */
    record Status(String word, String error) {}

    /**
     * This face's reading of one of its tasks, for views across faces (the dashboard). The
     * default is the core state's name and the task's error; a face whose status words or
     * errors live elsewhere (counters, its own state) says so here.
     */
    default Status status(Task t) {
        return new Status(t.state().name().toLowerCase(Locale.ROOT), t.error());
    }
}
