package taskrunner.ui;

import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

/**
 * {@code GET /} for browsers: a small page linking to the dashboard and to each face's own
 * documentation. {@code /} is CKAN Service Provider's, whose clients get its help JSON as
 * before: the page only wraps that route, answering HTML where the request's Accept names
 * {@code text/html} (every browser's navigation does; curl, CKAN and HTTP libraries do not).
 */
final class LandingPage {
    private LandingPage() {}

    /** Wraps the face's {@code GET /} and {@code HEAD /}, which must be registered already. */
    static void install(Router r, StaticFiles files) {
        for (String method : new String[] {"GET", "HEAD"}) {
            r.wrap(method, "/", face -> req -> (req.path().equals("/") && wantsHtml(req)
                    ? files.serve("landing.html") : face.handle(req)).header("Vary", "Accept"));
        }
    }

    /** Whether Accept lists text/html with a quality above zero (a missing Accept means any type, so not HTML first). */
    private static boolean wantsHtml(Request req) {
        String accept = req.header("Accept");
        if (accept == null) return false;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].trim().equalsIgnoreCase("text/html")) continue;
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim();
                if (param.regionMatches(true, 0, "q=", 0, 2)) refused = zero(param.substring(2).trim());
            }
            if (!refused) return true;
        }
        return false;
    }

    /** A quality of 0 ("0", "0.0", "0.000"): the client does not want the type. */
    private static boolean zero(String q) {
        try {
            return Double.parseDouble(q) == 0;
        } catch (NumberFormatException e) {
            return false; // a malformed quality is read as the default, 1
        }
    }
}
