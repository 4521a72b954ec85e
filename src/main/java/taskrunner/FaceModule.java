package taskrunner;

import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.List;

/**
 * One API face as the server assembles it: the record kinds it keeps in the store, its
 * routes, and what it does at start with its tasks that were queued or running when the
 * process last ended.
 */
public interface FaceModule {
    default List<Kind<?>> kinds() {
        return List.of();
    }

    /** Adds routes; called once, before the server listens. */
    void install(Router router, Services services) throws Exception;
}
