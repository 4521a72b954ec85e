package taskrunner.ckan;

import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code GET /job} is open by default, as in the original; with ckanJobListPublic false, the admin session's only. */
class CkanJobListAccessTest {
    static final String SECRET = "the-secure-key";

    private static ServerFixture server(boolean listPublic) throws Exception {
        return new ServerFixture(b -> b.configure(c -> c.ckanSecretKey(SECRET).ckanJobListPublic(listPublic)));
    }

    @Test
    void byDefaultAnyoneListsEveryJob() throws Exception {
        try (var fx = new ServerFixture(b -> b.configure(c -> c.ckanSecretKey(SECRET)))) {
            var c = new CkanClient(fx);
            c.submit("/job/open1", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
            var r = c.get("/job");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of("/job/open1"), CkanClient.list(r));
        }
    }

    @Test
    void whenNotPublicOnlyTheAdminSessionListsJobs() throws Exception {
        try (var fx = server(false)) {
            var c = new CkanClient(fx);
            String key = (String) c.submit("/job/closed1", Map.of("job_type", "echo", "api_key", "k", "data", "x")).get("job_key");
            var anonymous = c.get("/job");
            assertEquals(403, anonymous.statusCode());
            assertEquals("{\"error\": \"not authorized\"}", anonymous.body());
            assertEquals(403, c.get("/job?_status=complete").statusCode(), "filters change nothing");
            assertEquals(403, c.get("/job", "Authorization", key).statusCode(), "a job key is for its job");
            assertEquals(403, c.get("/job", "Authorization", SECRET).statusCode(), "the secure key is no admin session");
            var tenant = KazooClient.admin(fx).childWithUser("tenant", "tenantadmin", "tenant-pw-1");
            assertEquals(403, c.get("/job", "Cookie", "session=" + tenant.token).statusCode(),
                    "an admin of another account is no CKAN admin");

            var admin = c.get("/job", "Cookie", c.login());
            assertEquals(200, admin.statusCode(), admin.body());
            assertEquals(List.of("/job/closed1"), CkanClient.list(admin));
            // the job itself is still reached as before
            assertEquals(200, c.get("/job/closed1", "Authorization", key).statusCode());
        }
    }
}
