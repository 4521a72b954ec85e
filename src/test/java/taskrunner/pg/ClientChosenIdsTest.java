package taskrunner.pg;

import org.junit.jupiter.api.Test;
import taskrunner.support.ServerFixture;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An id the client chooses (CKAN's job_id) names one record in the whole service: two servers
 * that each found it free in their memory do not both create it.
 */
class ClientChosenIdsTest {
    @Test
    void oneJobIdSubmittedThroughBothServersAtOnceMakesOneJob() throws Exception {
        try (var fx = ServerFixture.cluster(b -> {})) {
            for (int round = 0; round < 20; round++) {
                String path = "/job/same" + round;
                var statuses = new ConcurrentLinkedQueue<Integer>();
                var throughBoth = List.of(fx.request(path), fx.request(path)); // uri alternates: one through each server
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (var req : throughBoth) {
                        pool.submit(() -> statuses.add(fx.send(req.header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"job_type\": \"echo\", \"api_key\": \"k\", \"data\": \"x\"}"))).statusCode()));
                    }
                }
                assertEquals(List.of(200, 409), statuses.stream().sorted().toList(), path);
            }
        }
    }
}
