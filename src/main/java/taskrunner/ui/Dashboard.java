package taskrunner.ui;

import taskrunner.Face;
import taskrunner.Services;
import taskrunner.http.Router;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The dashboard: its files under {@code /ui/} ({@link StaticFiles}), its read-only JSON under
 * {@code /ui/api/} ({@link DashboardApi}) and the landing page at {@code /} for browsers
 * ({@link LandingPage}). The page acts (stop, delete, downloads, CKAN logs) through the faces'
 * own routes, so each face keeps its own rules for them.
 */
public final class Dashboard {
    private Dashboard() {}

    /** After the faces: the landing page wraps CKAN's {@code GET /}. */
    public static void install(Router router, Services services, List<? extends Face> faces) {
        var names = new LinkedHashSet<String>();
        for (Face f : faces) names.add(f.name());
        var files = new StaticFiles();
        router.face("/ui", DashboardApi.ERRORS);
        new DashboardApi(services.identity(), new VisibleTasks(services.tasks(), services.identity(), faces), names)
                .install(router);
        files.install(router);
        LandingPage.install(router, files);
    }
}
