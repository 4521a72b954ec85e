package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.store.FaultyIo.Op;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static taskrunner.store.Journal.JOURNAL;
import static taskrunner.store.Journal.SNAPSHOT;

/**
 * Compaction while writes go on: writers do not wait for the snapshot, a crash at any step of
 * a compaction leaves a directory that opens with every acknowledged write (the directory is
 * copied while a step is held, as a crash would leave it), a data directory of the older
 * JSON-lines snapshot loads and is migrated, and sealed segments are never confused.
 */
class CompactionTest {
    @TempDir
    Path dir;

    private final JournalFailureTest.Memory memory = new JournalFailureTest.Memory();

    private Journal open(FaultyIo io) throws IOException {
        return new Journal(dir, memory::apply, memory::live, 1L << 30, io);
    }

    private static Map<String, String> reopen(Path dir) throws IOException {
        var again = new JournalFailureTest.Memory();
        try (var j = new Journal(dir, again::apply, again::live, 1L << 30)) {
            return Map.copyOf(again.texts);
        }
    }

    private static void put(Journal j, String id, String text) throws IOException {
        j.append(JournalFailureTest.event(id, text));
    }

    /** Compacts on a thread of its own (the test waits on a hold inside it). */
    private static Thread compactLater(Journal j) {
        return Thread.ofVirtual().start(() -> {
            try {
                j.compactNow();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void writersDoNotWaitForASnapshotBeingWritten() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            for (int i = 0; i < 100; i++) put(j, "n" + i, "v" + i);
            var held = io.hold(SNAPSHOT + ".tmp", Op.FORCE); // the snapshot is written, not yet forced
            var compaction = compactLater(j);
            assertTrue(held.reached().await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++) put(j, "during" + i, "w" + i); // each returns while the snapshot is held
            put(j, "n0", "rewritten");
            j.append(new JournalEvent("note", "n1", null));
            assertEquals(0, j.compactions());
            held.release();
            compaction.join();
            assertEquals(1, j.compactions());
            assertTrue(JournalTest.data(dir.resolve(JOURNAL)).contains("during99"), "written to the new journal");
        }
        var expected = new java.util.HashMap<String, String>();
        for (int i = 2; i < 100; i++) expected.put("n" + i, "v" + i);
        for (int i = 0; i < 100; i++) expected.put("during" + i, "w" + i);
        expected.put("n0", "rewritten");
        assertEquals(expected, reopen(dir));
    }

    /** The holds of a compaction's steps, in order: on the writer thread (the seal), then on the compaction thread. */
    private record Step(String file, Op op) {}

    @Test
    void aCrashAtAnyStepOfACompactionLosesNothingAcknowledged() throws Exception {
        var steps = List.of(new Step("journal.1.jsonl", Op.REPLACE), new Step(JOURNAL, Op.OPEN),
                new Step(SNAPSHOT + ".tmp", Op.OPEN), new Step(SNAPSHOT + ".tmp", Op.WRITE),
                new Step(SNAPSHOT + ".tmp", Op.FORCE), new Step(SNAPSHOT, Op.REPLACE));
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            Path live = Files.createDirectories(dir.resolve("live" + s));
            Path crashed = dir.resolve("crashed" + s);
            var acked = new ConcurrentHashMap<String, String>();
            var deleting = ConcurrentHashMap.<String>newKeySet();
            var deleted = ConcurrentHashMap.<String>newKeySet();
            var io = new FaultyIo();
            var mem = new JournalFailureTest.Memory();
            Map<String, String> ackedAtCrash;
            Set<String> deletedAtCrash;
            Set<String> deletingAtCrash;
            try (var j = new Journal(live, mem::apply, mem::live, 1L << 30, io)) {
                for (int i = 0; i < 50; i++) put(j, "before" + i, "b" + i);
                acked.putAll(mem.texts);
                var stop = new AtomicBoolean();
                var writer = Thread.ofVirtual().start(() -> write(j, stop, acked, deleting, deleted));
                var held = io.hold(step.file(), step.op());
                var compaction = compactLater(j);
                assertTrue(held.reached().await(10, TimeUnit.SECONDS), "reached " + step);
                deletedAtCrash = Set.copyOf(deleted);
                ackedAtCrash = Map.copyOf(acked);
                copy(live, crashed); // what a crash right now would leave
                deletingAtCrash = Set.copyOf(deleting);
                held.release();
                compaction.join();
                stop.set(true);
                writer.join();
            }
            Map<String, String> after = reopen(crashed);
            for (var e : ackedAtCrash.entrySet()) {
                if (deletingAtCrash.contains(e.getKey())) continue; // its delete may have reached the disk
                assertEquals(e.getValue(), after.get(e.getKey()), "acknowledged before a crash at " + step);
            }
            for (String id : deletedAtCrash) assertNull(after.get(id), "deleted before a crash at " + step);
            assertEquals(Map.copyOf(acked).keySet().stream().filter(k -> !deleted.contains(k)).collect(java.util.stream.Collectors.toSet()),
                    reopen(live).keySet(), "and the live directory holds everything after " + step);
        }
    }

    /** Puts new notes and deletes some until stopped; records each acknowledged one, and each delete before it is made. */
    private static void write(Journal j, AtomicBoolean stop, Map<String, String> acked, Set<String> deleting, Set<String> deleted) {
        for (int i = 0; !stop.get(); i++) {
            try {
                put(j, "w" + i, "x" + i);
                acked.put("w" + i, "x" + i);
                if (i % 4 == 3) {
                    deleting.add("w" + (i - 2));
                    j.append(new JournalEvent("note", "w" + (i - 2), null));
                    deleted.add("w" + (i - 2));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                // the file may be renamed away mid-list by the writer (the seal) or not exist yet: a crash sees it or not
                if (Files.isRegularFile(p)) {
                    try {
                        Files.copy(p, to.resolve(p.getFileName()));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // renamed meanwhile; its new name is listed or not, as a crash would find it
                    }
                }
            }
        }
    }

    @Test
    void aDataDirectoryWithAJsonLinesSnapshotLoadsAndIsMigratedAtItsFirstCompaction() throws Exception {
        // as an older server left it: snapshot.jsonl and a journal after it
        Files.writeString(dir.resolve(Journal.LEGACY_SNAPSHOT), new String(Journal.encode(JournalFailureTest.event("a", "old")),
                StandardCharsets.UTF_8) + new String(Journal.encode(JournalFailureTest.event("b", "two")), StandardCharsets.UTF_8));
        Files.writeString(dir.resolve(JOURNAL), new String(Journal.encode(JournalFailureTest.event("a", "one")), StandardCharsets.UTF_8));
        try (var j = open(new FaultyIo())) {
            assertEquals(Map.of("a", "one", "b", "two"), memory.texts);
            j.compactNow();
        }
        assertFalse(Files.exists(dir.resolve(Journal.LEGACY_SNAPSHOT)), "replaced by snapshot.bin");
        assertTrue(Files.exists(dir.resolve(SNAPSHOT)));
        assertEquals(Map.of("a", "one", "b", "two"), reopen(dir));
    }

    @Test
    void aSegmentTheSnapshotCoversIsSkippedAndNumbersOnlyGrow() throws Exception {
        var io = new FaultyIo();
        try (var j = open(io)) {
            put(j, "a", "one");
            j.compactNow(); // seals journal.1.jsonl: covered, deleted
            put(j, "a", "two");
        }
        // a crash between the snapshot's rename and the segment's deletion leaves the covered segment
        Files.writeString(dir.resolve("journal.1.jsonl"), new String(Journal.encode(JournalFailureTest.event("a", "one")),
                StandardCharsets.UTF_8));
        assertEquals(Map.of("a", "two"), reopen(dir));
        assertFalse(Files.exists(dir.resolve("journal.1.jsonl")), "deleted at open");
        try (var j = open(io)) {
            // the next seal is 2 though no segment is left: a new journal.1.jsonl would pass for a covered one
            var held = io.hold("journal.2.jsonl", Op.REPLACE);
            var compaction = compactLater(j);
            assertTrue(held.reached().await(10, TimeUnit.SECONDS));
            held.release();
            compaction.join();
        }
        assertEquals(Map.of("a", "two"), reopen(dir));
    }
}
