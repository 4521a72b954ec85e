package taskrunner.ckan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Anonymous CKAN jobs cannot starve an account's tasks: they hold at most their share of
 * the slots (on a server whose jobs have no time limit), and a job runs no longer than its
 * type's limit.
 */
class CkanFairnessTest {
    static ServerFixture fx;
    static CkanClient c;
    static KazooClient admin;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(b -> b.configure(k -> k.maxRunning(2).maxJobRunTimeS(0))
                .jobTask(taskrunner.tasks.JobExamples.sleep().withMaxRunTime(Duration.ofSeconds(2)).renamed("short_sleep")));
        c = new CkanClient(fx);
        admin = KazooClient.admin(fx);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void eightEndlessAnonymousJobsLeaveASlotForAnAccountsTask() throws Exception {
        var keys = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            var j = c.submit("/job/endless" + i, Map.of("job_type", "sleep", "api_key", "k", "data", Map.of("time", 1e7)));
            keys.add((String) j.get("job_key"));
        }
        String id = admin.createCsv("examples", "echo", "v\n1\n2\n");
        admin.start(id);
        var done = admin.awaitFinished(id, Duration.ofSeconds(10));
        assertEquals("success", done.get("status"), "ran beside the anonymous jobs: " + done);
        for (int i = 0; i < 8; i++) c.delete("/job/endless" + i, "Authorization", keys.get(i));
    }

    @Test
    void aJobThatRunsPastItsLimitEndsWithAnErrorSayingSo() throws Exception {
        var j = c.submit("/job/toolong", Map.of("job_type", "short_sleep", "api_key", "k", "data", Map.of("time", 600)));
        var done = c.awaitDone("toolong", (String) j.get("job_key"));
        assertEquals("error", done.get("status"), done.toString());
        assertTrue(String.valueOf(done.get("error")).contains("longer than its limit of 2 s"), done.toString());
    }
}
