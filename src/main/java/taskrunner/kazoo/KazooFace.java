package taskrunner.kazoo;

import taskrunner.FaceModule;
import taskrunner.Services;
import taskrunner.http.Router;

/** The Kazoo Tasks face: {@code /v2/...}. */
public final class KazooFace implements FaceModule {
    @Override
    public void install(Router router, Services services) {
    }
}
