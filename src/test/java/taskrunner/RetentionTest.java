package taskrunner;

import org.junit.jupiter.api.Test;
import taskrunner.core.Retention;
import taskrunner.core.Task;
import taskrunner.support.FaceTasks;
import taskrunner.support.ServerFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --retain-days}: a sweep at start removes the finished tasks of every face that
 * finished longer ago (with their blob files, and a CKAN job's logs), and keeps what is not
 * finished, what finished more recently, and the EntryStore data a job made. Time is the
 * server's clock, moved by the test.
 */
class RetentionTest {
    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicLong millis;

        MovableClock(Instant start) {
            millis = new AtomicLong(start.toEpochMilli());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    /** The messages of the retention's log lines. */
    static final class Sweeps extends Handler {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @Test
    void oldFinishedTasksOfEveryFaceGoWithTheirBlobsAndLogsAndTheRestStays() throws Exception {
        var clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        var sweeps = new Sweeps();
        Logger retentionLog = Logger.getLogger(Retention.class.getName());
        retentionLog.addHandler(sweeps);
        try (var fx = new ServerFixture(b -> b.clock(clock).configure(c -> c.retainDays(7)))) {
            var run = new FaceTasks(fx);
            var tasks = fx.server.services().tasks();
            String oldKazoo = run.kazooDone(FaceTasks.csv(1000));
            Task old = tasks.get(oldKazoo);
            List<Path> oldFiles = List.of(fx.server.services().blobs().path(old.input()), fx.server.services().blobs().path(old.output()));
            for (Path p : oldFiles) assertTrue(Files.exists(p), "over 4 KiB: a blob file " + p);
            String oldKey = (String) run.ckanEcho("old-job", "&a job that logs", Map.of()).get("job_key");
            assertEquals(1, ((List<?>) run.ckanJob("old-job", oldKey).get("logs")).size());
            var es = run.entryscapeDone("old", "station,value\nA,1\n");
            String oldEs = (String) es.get("id");
            String fileUri = (String) ((Map<?, ?>) es.get("results")).get("fileURI");
            String pending = run.kazooPending("name\nnever started\n");
            String running = run.kazooRunning(600, 100);

            clock.advance(Duration.ofDays(2));
            run = new FaceTasks(fx); // a new token: the old one's hour has passed
            String younger = run.kazooDone("name\nfive days old at the sweep\n");
            clock.advance(Duration.ofDays(5).plusHours(1));
            fx.restart();

            ServerFixture.await("the sweep at start", Duration.ofSeconds(20), () -> !sweeps.lines.isEmpty());
            assertTrue(sweeps.lines.get(0).startsWith("removed 3 tasks that finished before 2026-01-01T01:00:00Z"
                    + " (ckan 1, entryscape 1, kazoo 1)"), sweeps.lines.toString());
            tasks = fx.server.services().tasks();
            for (String gone : List.of(oldKazoo, "old-job", oldEs)) assertNull(tasks.get(gone), gone + " is kept");
            for (Path p : oldFiles) assertFalse(Files.exists(p), "the blob file " + p + " is kept");
            for (String kept : List.of(pending, running, younger)) assertNotNull(tasks.get(kept), kept + " is gone");

            run = new FaceTasks(fx);
            assertEquals(404, run.kazoo.get(run.kazoo.tasksPath() + "/" + oldKazoo).statusCode());
            assertEquals(404, fx.send(fx.request("/taskrunner/v1/job/" + oldEs).GET()).statusCode());
            assertEquals(200, fx.send(fx.request(java.net.URI.create(fileUri).getPath())
                    .header("Cookie", "auth_token=" + run.kazoo.token).GET()).statusCode(), "the file the job made is data: it stays");
            String newKey = (String) run.ckanEcho("old-job", "a new job of the old id", Map.of()).get("job_key");
            assertEquals(List.of(), run.ckanJob("old-job", newKey).get("logs"), "the old job's logs went with it");
            assertEquals(200, run.kazoo.send("PATCH", run.kazoo.tasksPath() + "/" + running + "/stop", null, null).statusCode());
        } finally {
            retentionLog.removeHandler(sweeps);
        }
    }
}
