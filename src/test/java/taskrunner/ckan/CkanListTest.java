package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.core.JobTaskType;
import taskrunner.support.ServerFixture;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** {@code GET /job} paging, status and metadata filters; {@code DELETE /job?days=N}. */
class CkanListTest {
    /** A clock the test moves forward. */
    static final class TestClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        public Clock withZone(ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    static final TestClock clock = new TestClock();
    static final CountDownLatch release = new CountDownLatch(1);
    static ServerFixture fx;
    static CkanClient c;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.clock(clock).jobTask(new JobTaskType("hold", true, true, (d, ctx) -> {
            release.await();
            return null;
        })));
        c = new CkanClient(fx);
        // five finished jobs, oldest first, with metadata of several JSON types
        for (int i = 0; i < 5; i++) {
            c.submit("/job/old" + i, Map.of("job_type", "echo", "api_key", "k", "data", i == 4 ? ">bad" : "x",
                    "metadata", Map.of("resource_id", "r" + (i % 2), "n", i, "flag", i % 2 == 0, "obj", Map.of("a", i))));
        }
        c.submit("/job/with%20space", Map.of("job_type", "echo", "api_key", "k", "data", "x", "metadata", Map.of("sp", "1")));
        c.submit("/job/held", Map.of("job_type", "hold", "api_key", "k", "metadata", Map.of("resource_id", "r0")));
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        fx.close();
    }

    @Test
    void listsNewestFirstWithoutAuth() throws Exception {
        var l = CkanClient.list(c.get("/job"));
        assertEquals(List.of("/job/held", "/job/with%20space", "/job/old4", "/job/old3", "/job/old2", "/job/old1", "/job/old0"), l);
    }

    @Test
    void pagesWithLimitAndOffset() throws Exception {
        assertEquals(List.of("/job/old4", "/job/old3"), CkanClient.list(c.get("/job?_limit=2&_offset=2")));
        assertEquals(7, CkanClient.list(c.get("/job?_limit=-1")).size());
        assertEquals(List.of(), CkanClient.list(c.get("/job?_offset=50")));
        var bad = c.get("/job?_limit=abc");
        assertEquals(409, bad.statusCode());
        assertEquals("{\"error\": \"invalid literal for int() with base 10: 'abc'\"}", bad.body());
    }

    @Test
    void filtersByStatus() throws Exception {
        assertEquals(List.of("/job/old4"), CkanClient.list(c.get("/job?_status=error")));
        assertEquals(List.of("/job/held"), CkanClient.list(c.get("/job?_status=pending")));
        assertEquals(5, CkanClient.list(c.get("/job?_status=complete")).size());
        assertEquals(List.of(), CkanClient.list(c.get("/job?_status=weird")));
    }

    @Test
    void filtersByMetadataWithJsonTextForNonStrings() throws Exception {
        assertEquals(List.of("/job/held", "/job/old4", "/job/old2", "/job/old0"), CkanClient.list(c.get("/job?resource_id=r0")));
        assertEquals(List.of("/job/old3"), CkanClient.list(c.get("/job?n=3")));
        assertEquals(List.of("/job/old4", "/job/old2", "/job/old0"), CkanClient.list(c.get("/job?flag=true")));
        assertEquals(List.of("/job/old2"), CkanClient.list(c.get("/job?flag=true&n=2")));
        assertEquals(List.of("/job/old1"), CkanClient.list(c.get("/job?obj=%7B%22a%22%3A%201%7D")));
        assertEquals(List.of(), CkanClient.list(c.get("/job?missing=x")));
        assertEquals(List.of("/job/old3"), CkanClient.list(c.get("/job?n=3&n=4")), "first value of a repeated key");
        assertEquals(List.of("/job/old0"), CkanClient.list(c.get("/job?resource_id=r0&_status=complete&_offset=1&_limit=1")));
    }

    @Test
    void purgeDeletesJobsFinishedMoreThanNDaysAgoButNeverPending() throws Exception {
        String cookie = c.login();
        var bad = c.delete("/job?days=abc", "Cookie", cookie);
        assertEquals(409, bad.statusCode());
        assertEquals("{\"error\": \"invalid literal for int() with base 10: 'abc'\"}", bad.body());
        try (var other = new ServerFixture(b -> b.clock(clock))) {
            var oc = new CkanClient(other);
            oc.submit("/job/p1", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
            clock.offset = Duration.ofDays(3);
            try {
                oc.submit("/job/p2", Map.of("job_type", "echo", "api_key", "k", "data", "x"));
                var pending = oc.submit("/job/p3", Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 30)));
                String ocookie = oc.login();
                assertEquals(200, oc.delete("/job", "Cookie", ocookie).statusCode(), "default keeps 14 days");
                assertEquals(3, CkanClient.list(oc.get("/job")).size());
                var r = oc.delete("/job?days=2", "Cookie", ocookie);
                assertEquals("{\"success\": true}", r.body());
                assertEquals(List.of("/job/p3", "/job/p2"), CkanClient.list(oc.get("/job")));
                assertEquals(200, oc.delete("/job?days=0", "Cookie", ocookie).statusCode());
                assertEquals(List.of("/job/p3"), CkanClient.list(oc.get("/job")), "pending jobs are never purged");
                assertEquals("pending", oc.job("p3", (String) pending.get("job_key")).get("status"));
            } finally {
                clock.offset = Duration.ZERO;
            }
        }
    }
}
