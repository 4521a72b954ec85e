package taskrunner;

import taskrunner.core.FaceState;
import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.List;
import java.util.Map;

/**
 * One API face as the server assembles it: the record kinds it keeps in the store, its
 * routes, and what it does at start with its tasks that were queued or running when the
 * process last ended.
 */
public interface FaceModule {
    default List<Kind<?>> kinds() {
        return List.of();
    }

    /** The codec of the state its tasks carry ({@link taskrunner.core.Task#faceState()}), by face name. */
    default Map<String, FaceState.Codec<?>> stateCodecs() {
        return Map.of();
    }

    /** Adds routes; called once, before the server listens. */
    void install(Router router, Services services) throws Exception;
}
