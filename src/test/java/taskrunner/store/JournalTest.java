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
        long good = Files.size(journal);
        Files.writeString(journal, "{\"k\":\"note\",\"id\":\"b\",\"v\":{\"id\":\"b\",\"te", StandardOpenOption.APPEND);
        try (Store s = open(dir)) {
            assertEquals(new Note("a", "kept"), s.get(NOTE, "a"));
            assertNull(s.get(NOTE, "b"));
            assertEquals(good, Files.size(journal), "the torn tail is cut off");
            s.put(NOTE, "c", new Note("c", "after"));
        }
        try (Store s = open(dir)) {
            assertEquals(new Note("c", "after"), s.get(NOTE, "c"), "appends after the cut are readable");
        }
    }

    @Test
    void aBadLineInTheMiddleRefusesToOpen(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            s.put(NOTE, "a", new Note("a", "x"));
        }
        Path journal = dir.resolve(Journal.JOURNAL);
        String text = Files.readString(journal);
        Files.writeString(journal, "garbage\n" + text);
        assertThrows(java.io.IOException.class, () -> open(dir));
    }

    @Test
    void compactionWritesASnapshotAndEmptiesTheJournal(@TempDir Path dir) throws Exception {
        try (Store s = open(dir)) {
            for (int i = 0; i < 100; i++) s.put(NOTE, "n" + (i % 10), new Note("n" + (i % 10), "v" + i));
            s.compact();
            assertEquals(1, s.compactions());
            assertEquals(0, Files.size(dir.resolve(Journal.JOURNAL)));
            s.put(NOTE, "n0", new Note("n0", "latest"));
        }
        assertEquals(10, Files.readAllLines(dir.resolve(Journal.SNAPSHOT), StandardCharsets.UTF_8).size());
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
        byte[] journal = Files.readAllBytes(dir.resolve(Journal.JOURNAL));
        try (Store s = open(dir)) {
            s.delete(NOTE, "b");
            s.compact();
        }
        // as if the process died after the snapshot's rename but before the journal was emptied
        Files.write(dir.resolve(Journal.JOURNAL), journal);
        Files.writeString(dir.resolve(Journal.JOURNAL), "{\"k\":\"note\",\"id\":\"b\",\"del\":true}\n", StandardOpenOption.APPEND);
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
        assertEquals(2000, Files.readAllLines(dir.resolve(Journal.JOURNAL)).size());
        try (Store s = open(dir)) {
            assertEquals(2000, s.count(NOTE));
        }
    }
}
