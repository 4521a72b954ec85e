package taskrunner;

import taskrunner.core.Execution;
import taskrunner.core.FaceState;
import taskrunner.core.Recovery;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.List;

/**
 * One API face, all the server needs of it in one place: its name (the {@code face} of its
 * tasks), the record kinds it keeps in the store, the codec of its tasks' own state, the path prefixes it owns and its error
 * envelope, its routes, and how its tasks run and recover. The server wires these; a face
 * registers nothing on the side.
 *
 * <p>Threading: {@link #kinds}, {@link #prefixes} and {@link #install} are called once, in
 * that order, on the starting thread before the server listens; {@link #error} is called
 * from request threads concurrently.
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
}
