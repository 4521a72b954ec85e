package taskrunner.ui;

import taskrunner.entryscape.ScapeClient;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Jobs of the CKAN and EntryScape faces, made over HTTP as those faces' clients make them. */
final class FaceJobs {
    private FaceJobs() {}

    /** A CKAN {@code echo} job of no account (anonymous, as CKAN submits); returns its id. */
    static String ckanEcho(ServerFixture fx, String data) throws Exception {
        var r = fx.send(fx.request("/job").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"job_type\": \"echo\", \"api_key\": \"k\", \"data\": \"" + data + "\"}")));
        assertEquals(200, r.statusCode(), r.body());
        return (String) ServerFixture.json(r.body()).get("job_id");
    }

    /**
     * An EntryScape addFile job of the account of {@code user} (an admin there: contexts are
     * made by admins), on a new catalog in context {@code ctx}; returns the job's id.
     */
    static String scapeAddFile(ServerFixture fx, String user, String password, String ctx) throws Exception {
        var scape = new ScapeClient(fx);
        String cookie = scape.login(user, password);
        var catalog = scape.catalog(cookie, ctx, ScapeClient.rows("station,value", "a", 1, 3));
        var r = scape.addFile(cookie, catalog.distUri(), "more.csv", ScapeClient.rows("station,value", "m", 1, 2));
        assertEquals(200, r.statusCode(), r.body());
        return (String) ServerFixture.json(r.body()).get("jobId");
    }
}
