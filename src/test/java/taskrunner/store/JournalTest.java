package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.*;

class JournalTest {
    record Note(String id, String text) {}

    static final Kind<Note> NOTE = new Kind<>("note", new Kind.Codec<>() {
        public Map<String, Object> encode(Note n) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", n.id());
            m.put("text", n.text());
            return m;
        }

        public Note decode(Map<String, Object> m) {
            return new Note((String) m.get("id"), (String) m.get("text"));
        }
    });

    /** The journal's data: its bytes up to the preallocated zeros. */
    static String data(Path journal) throws Exception {
        String all = Files.readString(journal);
        int nul = all.indexOf('\0');
        return nul < 0 ? all : all.substring(0, nul);
    }

    static Store open(Path dir) throws Exception {
        return Store.open(dir, List.of(NOTE), 1L << 30);
    }

    @Test
    void whatWasPutIsThereAfterReopen(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            s.put(NOTE, "a", new Note("a", "one"));
            s.put(NOTE, "b", new Note("b", "two"));
            s.put(NOTE, "a", new Note("a", "uno"));
            s.delete(NOTE, "b");
            assertEquals(new Note("a", "uno"), s.get(NOTE, "a"));
        }
        try (Store s = open(dir)) {
            assertEquals(new Note("a", "uno"), s.get(NOTE, "a"));
            assertNull(s.get(NOTE, "b"));
            assertEquals(1, s.count(NOTE));
        }
    }

    @Test
    void aTornLastLineIsSkippedAndTruncated(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            s.put(NOTE, "a", new Note("a", "kept"));
        }
        Path journal = dir.resolve(Journal.JOURNAL);
        String good = data(journal);
        // a crash mid-write leaves a partial line before the preallocated zeros
        Files.writeString(journal, good + "{\"k\":\"note\",\"id\":\"b\",\"v\":{\"id\":\"b\",\"te" + "\0".repeat(100));
        try (Store s = open(dir)) {
            assertEquals(new Note("a", "kept"), s.get(NOTE, "a"));
            assertNull(s.get(NOTE, "b"));
            assertEquals(good, data(journal), "the torn tail is cut off");
            s.put(NOTE, "c", new Note("c", "after"));
        }
        try (Store s = open(dir)) {
            assertEquals(new Note("c", "after"), s.get(NOTE, "c"), "appends after the cut are readable");
        }
    }

    @Test
    void theJournalFileIsPreallocatedSoAppendsDoNotGrowIt(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            long size = Files.size(dir.resolve(Journal.JOURNAL));
            assertTrue(size >= Journal.PREALLOCATE);
            s.put(NOTE, "a", new Note("a", "x"));
            assertEquals(size, Files.size(dir.resolve(Journal.JOURNAL)));
        }
    }

    @Test
    void aBadLineInTheMiddleRefusesToOpen(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            s.put(NOTE, "a", new Note("a", "x"));
        }
        Path journal = dir.resolve(Journal.JOURNAL);
        Files.writeString(journal, "garbage\n" + data(journal));
        assertThrows(java.io.IOException.class, () -> open(dir));
    }

    @Test
    void compactionWritesASnapshotAndEmptiesTheJournal(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            for (int i = 0; i < 100; i++) s.put(NOTE, "n" + (i % 10), new Note("n" + (i % 10), "v" + i));
            s.compact();
            assertEquals(1, s.compactions());
            assertEquals("", data(dir.resolve(Journal.JOURNAL)));
            assertEquals(Map.of(), Journal.segments(dir), "the sealed segment is deleted");
            s.put(NOTE, "n0", new Note("n0", "latest"));
        }
        var records = new ArrayList<String>();
        Snapshot.read(dir.resolve(Journal.SNAPSHOT), e -> e, e -> records.add(e.id()));
        assertEquals(10, records.size());
        try (Store s = open(dir)) {
            assertEquals(10, s.count(NOTE));
            assertEquals("latest", s.get(NOTE, "n0").text());
            assertEquals("v99", s.get(NOTE, "n9").text());
        }
    }

    @Test
    void aCrashBetweenSnapshotAndTruncationReplaysToTheSameState(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            s.put(NOTE, "a", new Note("a", "1"));
            s.put(NOTE, "b", new Note("b", "2"));
        }
        String journal = data(dir.resolve(Journal.JOURNAL));
        try (Store s = open(dir)) {
            s.delete(NOTE, "b");
            s.compact();
        }
        // as if the process died after the snapshot's rename but before the journal was emptied
        Files.writeString(dir.resolve(Journal.JOURNAL), journal + "{\"k\":\"note\",\"id\":\"b\",\"del\":true}\n");
        try (Store s = open(dir)) {
            assertEquals("1", s.get(NOTE, "a").text());
            assertNull(s.get(NOTE, "b"));
        }
    }

    @Test
    void concurrentWritersAreAllDurableAndGrouped(@TempDir Path dir) throws Exception {
        try (Store s = open(dir); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    s.put(NOTE, "k" + n, new Note("k" + n, "v" + n));
                    return null;
                }));
            }
            for (var f : futures) f.get();
        }
        assertEquals(2000, data(dir.resolve(Journal.JOURNAL)).split("\n").length);
        try (Store s = open(dir)) {
            assertEquals(2000, s.count(NOTE));
        }
    }
}
