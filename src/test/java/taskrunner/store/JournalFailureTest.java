package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.store.FaultyIo.Op;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.store.Journal.JOURNAL;
import static taskrunner.store.Journal.SNAPSHOT;

/**
 * The journal's failure contract, proved with {@link FaultyIo}: a write or force that
 * fails refuses its whole batch (nothing of it in memory, nothing of it at replay), the
 * file is cut back and reopens, the next write is tried again; a cut-back that fails stops
 * the journal until a retry succeeds; preallocation and compaction failures lose nothing.
 * Every test reopens the directory with the real file system and checks what is there.
 */
class JournalFailureTest {
    @TempDir
    Path dir;

    /** The test's memory: what the journal applied, id to text. */
    static final class Memory {
        final Map<String, String> texts = new ConcurrentHashMap<>();

        void apply(JournalEvent e) {
            if (e.isDelete()) texts.remove(e.id());
            else texts.put(e.id(), (String) e.value().get("text"));
        }

        List<JournalEvent> live() {
            var events = new ArrayList<JournalEvent>();
            texts.forEach((id, text) -> events.add(event(id, text)));
            return events;
        }
    }

    static JournalEvent event(String id, String text) {
        return new JournalEvent("note", id, Map.of("text", text));
    }

    private final Memory memory = new Memory();

    private Journal open(FaultyIo io) throws IOException {
        return new Journal(dir, memory::apply, memory::live, 1L << 30, io);
    }

    private static void put(Journal j, String id, String text) throws IOException {
        j.append(event(id, text));
    }

    /** Reopens the directory as a restart would and checks it holds exactly {@code expected}. */
    private void assertReopensWith(Map<String, String> expected) throws IOException {
        var again = new Memory();
        try (var j = new Journal(dir, again::apply, again::live, 1L << 30)) {
            assertEquals(expected, again.texts);
        }
    }

    private long fileSize() throws IOException {
        return Files.size(dir.resolve(JOURNAL));
    }

    private long dataSize() throws Exception {
        return JournalTest.data(dir.resolve(JOURNAL)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        taskrunner.support.ServerFixture.await(what, Duration.ofSeconds(10), done::getAsBoolean);
    }

    private static CompletableFuture<Void> putLater(Journal j, String id, String text) {
        var f = new CompletableFuture<Void>();
        Thread.ofVirtual().start(() -> {
            try {
                put(j, id, text);
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void aBatchWrittenPartlyIsRefusedWholeAndCutBack() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            // hold the writer inside b's write, so that five writes queue up behind it into one batch
            var hold = io.hold(JOURNAL, Op.WRITE);
            var b = putLater(j, "b", "two");
            assertTrue(hold.reached().await(10, TimeUnit.SECONDS));
            var refused = new ArrayList<CompletableFuture<Void>>();
            for (int i = 0; i < 5; i++) refused.add(putLater(j, "r" + i, "refused " + i));
            await("five writes wait", () -> j.waiting() == 5);
            io.failPartly(JOURNAL); // the batch of five: its first lines complete, then ENOSPC
            hold.release();
            b.get(10, TimeUnit.SECONDS);
            for (var r : refused) {
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
                assertInstanceOf(StorageFull.class, e.getCause(), "a full disk is a StorageFull");
            }
            assertEquals(Map.of("a", "one", "b", "two"), memory.texts, "nothing of the refused batch in memory");
            assertEquals(dataSize(), fileSize(), "cut back to the end of b's line");
            put(j, "c", "three"); // the next write is tried again
        }
        assertReopensWith(Map.of("a", "one", "b", "two", "c", "three"));
    }

    @Test
    void aFailedForceIsRefusedAndCutBack() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            io.fail(JOURNAL, Op.FORCE, 1, FaultyIo.full());
            // b's whole line was written (to the page cache) before its force failed
            assertThrows(StorageFull.class, () -> put(j, "b", "refused"));
            assertNull(memory.texts.get("b"));
            assertEquals(dataSize(), fileSize(), "b's line is cut off");
            put(j, "a", "uno");
        }
        assertReopensWith(Map.of("a", "uno"));
    }

    @Test
    void aFailedCutBackStopsWritesUntilARetryOfTheCutSucceeds() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            io.fail(JOURNAL, Op.FORCE, 1, FaultyIo.broken()).fail(JOURNAL, Op.TRUNCATE, 2, FaultyIo.broken());
            var first = assertThrows(IOException.class, () -> put(j, "b", "refused"));
            assertEquals("Input/output error", first.getMessage());
            int writes = io.writes();
            var stopped = assertThrows(IOException.class, () -> put(j, "c", "refused while stopped"));
            assertTrue(stopped.getMessage().startsWith("journal is stopped"), stopped.getMessage());
            assertFalse(stopped instanceof StorageFull, "a broken disk is not a full one");
            assertEquals(writes, io.writes(), "a write while stopped is refused without writing");
            put(j, "d", "after the cut"); // the third try of the cut succeeds; the journal resumes
            assertEquals(Map.of("a", "one", "d", "after the cut"), memory.texts);
        }
        assertReopensWith(Map.of("a", "one", "d", "after the cut"));
    }

    @Test
    void aJournalClosedWhileStoppedCutsBackAtClose() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            long withA = dataSize();
            io.fail(JOURNAL, Op.FORCE, 1, FaultyIo.full()).fail(JOURNAL, Op.TRUNCATE, 1, FaultyIo.broken());
            assertThrows(StorageFull.class, () -> put(j, "b", "refused"));
            assertTrue(dataSize() > withA, "b's line is still in the file, after a's");
        }
        assertReopensWith(Map.of("a", "one"));
    }

    @Test
    void aJournalThatCouldNotBeCutBackStillOpens() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            io.failPartly(JOURNAL).fail(JOURNAL, Op.TRUNCATE, 2, FaultyIo.broken());
            assertThrows(StorageFull.class, () -> put(j, "b", "x".repeat(200)));
        }
        // as after a crash while stopped: the torn half line is dropped at open
        assertReopensWith(Map.of("a", "one"));
    }

    @Test
    void aFailedPreallocationIsOnlyNoPreallocation() throws Exception {
        var io = new FaultyIo().usableSpace(0);
        try (var j = open(io)) {
            assertEquals(0, fileSize(), "no space to spare: opening preallocates nothing and needs nothing");
            put(j, "a", "one");
            assertEquals(dataSize(), fileSize());
            io.usableSpace(Long.MAX_VALUE / 2).failPartly(JOURNAL); // the next write is the zeros'
            put(j, "b", "two");
            assertEquals(dataSize(), fileSize(), "the zeros written were cut back");
            put(j, "c", "three");
            assertEquals(dataSize(), fileSize(), "and not tried again at once");
        }
        assertReopensWith(Map.of("a", "one", "b", "two", "c", "three"));
    }

    @Test
    void aFailedForceOfThePreallocationIsOnlyNoPreallocation() throws Exception {
        var io = new FaultyIo().usableSpace(0);
        try (var j = open(io)) {
            put(j, "a", "one");
            io.usableSpace(Long.MAX_VALUE / 2).fail(JOURNAL, Op.FORCE, 1, FaultyIo.full());
            put(j, "b", "two");
            assertEquals(dataSize(), fileSize());
        }
        assertReopensWith(Map.of("a", "one", "b", "two"));
    }

    @Test
    void preallocationLeavesTheMarginFree() throws Exception {
        var io = new FaultyIo().usableSpace(Journal.PREALLOCATE + Journal.FREE_MARGIN - 1);
        try (var j = open(io)) {
            put(j, "a", "one");
            assertEquals(dataSize(), fileSize(), "a chunk would eat into the margin: none");
        }
        io.usableSpace(Journal.PREALLOCATE + Journal.FREE_MARGIN);
        try (var j = open(io)) {
            long size = fileSize();
            assertEquals(dataSize() + Journal.PREALLOCATE, size, "one chunk, no more");
            put(j, "b", "two");
            assertEquals(size, fileSize(), "appends go into the zeros");
        }
        assertReopensWith(Map.of("a", "one", "b", "two"));
    }

    /** Every journal file's data (sealed segments, then journal.jsonl), joined. */
    private String allJournalData() throws Exception {
        var all = new StringBuilder();
        for (Path p : Journal.segments(dir).values()) all.append(JournalTest.data(p));
        return all.append(JournalTest.data(dir.resolve(JOURNAL))).toString();
    }

    @Test
    void aFailedSnapshotWriteKeepsTheJournal() throws Exception {
        for (Op op : new Op[] {Op.OPEN, Op.WRITE, Op.FORCE, Op.REPLACE}) {
            var io = new FaultyIo();
            String file = op == Op.REPLACE ? SNAPSHOT : SNAPSHOT + ".tmp";
            try (var j = open(io)) {
                put(j, "a", "one " + op);
                io.fail(file, op, 1, FaultyIo.full());
                assertThrows(StorageFull.class, j::compactNow, op + " of the snapshot failed");
                assertFalse(Files.exists(dir.resolve(SNAPSHOT + ".tmp")), "the temp snapshot is removed");
                assertTrue(allJournalData().contains("one " + op), "the sealed segment is kept");
                put(j, "b", "two " + op);
            }
            assertReopensWith(Map.of("a", "one " + op, "b", "two " + op));
            try (var j = open(new FaultyIo())) {
                j.compactNow(); // and a compaction works again, covering the segment the failed one left
            }
            assertEquals(Map.of(), Journal.segments(dir), "every sealed segment is covered and gone");
            assertReopensWith(Map.of("a", "one " + op, "b", "two " + op));
        }
    }

    @Test
    void aSealThatFailsLeavesAppendsGoingToTheSameFile() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            io.fail("journal.1.jsonl", Op.REPLACE, 1, FaultyIo.broken()); // the rename to a segment
            assertThrows(IOException.class, j::compactNow);
            put(j, "b", "two");
            assertTrue(JournalTest.data(dir.resolve(JOURNAL)).contains("two"), "still journal.jsonl");
            io.fail(JOURNAL, Op.OPEN, 1, FaultyIo.full()); // renamed, but the new journal.jsonl cannot be made
            assertThrows(StorageFull.class, j::compactNow);
            put(j, "c", "three");
            assertTrue(JournalTest.data(dir.resolve("journal.1.jsonl")).contains("three"), "appended to the renamed file");
            assertFalse(Files.exists(dir.resolve(JOURNAL)));
        }
        assertReopensWith(Map.of("a", "one", "b", "two", "c", "three"));
        try (var j = open(io)) {
            put(j, "d", "four"); // journal.jsonl, after the segment the failed seal left
            j.compactNow();
            put(j, "e", "five");
        }
        assertEquals(Map.of(), Journal.segments(dir));
        assertReopensWith(Map.of("a", "one", "b", "two", "c", "three", "d", "four", "e", "five"));
    }

    @Test
    void aStoppedJournalIsNotSealed() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            io.fail(JOURNAL, Op.FORCE, 1, FaultyIo.broken()).fail(JOURNAL, Op.TRUNCATE, 2, FaultyIo.broken());
            assertThrows(IOException.class, () -> put(j, "b", "refused"));
            var e = assertThrows(IOException.class, j::compactNow, "b's line is still in the file: no segment may keep it");
            assertTrue(e.getMessage().startsWith("journal is stopped"), e.getMessage());
            assertEquals(Map.of(), Journal.segments(dir));
            j.compactNow(); // the next retry of the cut succeeds: sealed without b
        }
        assertReopensWith(Map.of("a", "one"));
    }

    @Test
    void randomFaultsNeverLoseAnAcknowledgedWriteNorResurrectARefusedOne() throws Exception {
        var expected = new ConcurrentHashMap<String, String>();
        for (int round = 0; round < 4; round++) {
            memory.texts.clear();
            var io = new FaultyIo().usableSpace(round % 2 == 0 ? 0 : Long.MAX_VALUE / 2);
            int r = round;
            try (var j = open(io)) {
                assertEquals(expected, memory.texts, "round " + round + " opened with what was acknowledged");
                io.random(42 + round, 0.15);
                var writers = new ArrayList<Thread>();
                for (int w = 0; w < 6; w++) {
                    int writer = w;
                    writers.add(Thread.ofVirtual().start(() -> {
                        var rnd = new java.util.Random(writer * 31L + r);
                        for (int i = 0; i < 60; i++) {
                            // a writer's own ids, some written again: a refused rewrite must leave the old text
                            String id = "w" + writer + "-" + (rnd.nextInt(3) == 0 ? rnd.nextInt(i + 1) : i);
                            String text = "round " + r + " write " + i;
                            try {
                                if (writer == 0 && i % 10 == 9) {
                                    j.compactNow();
                                } else {
                                    put(j, id, text);
                                    expected.put(id, text);
                                }
                            } catch (IOException refused) {
                                // refused: it must not show, now or after a reopen
                            }
                        }
                    }));
                }
                for (Thread t : writers) t.join();
                io.disarm(); // so that the close can cut back a journal left stopped
                assertEquals(expected, memory.texts, "memory holds exactly what was acknowledged");
            }
            assertReopensWith(new HashMap<>(expected));
        }
    }
}
