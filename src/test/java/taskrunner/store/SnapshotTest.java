package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The binary snapshot reads back exactly what the JSON journal line of the same event reads
 * back as (same maps, same number classes), over several blocks, and a snapshot that is not
 * whole (a flipped byte, a cut end, an unknown version) refuses to load.
 */
class SnapshotTest {
    @TempDir
    Path dir;

    enum Colour { RED }

    private static Map<String, Object> value(int i) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", "rec" + i);
        m.put("small", i);
        m.put("negative", -i);
        m.put("long", 1_700_000_000_000L + i);
        m.put("min", Long.MIN_VALUE);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("bigSmall", BigInteger.valueOf(7));
        m.put("double", i + 0.25);
        m.put("float", 1.1f);
        m.put("decimal", new BigDecimal("2.50"));
        m.put("nan", Double.NaN);
        m.put("bool", i % 2 == 0);
        m.put("nothing", null);
        m.put("text", "ünïcødé ✓ 𝄞 \n\"quoted\"");
        m.put("empty", "");
        m.put("enum", Colour.RED);
        m.put("list", List.of(1, "two", List.of(), Map.of("k", 3L)));
        m.put("nested", Map.of("deeper", Map.of("face", "kazoo")));
        return m;
    }

    /** What the journal's JSON line of the event reads back as. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> viaJson(Map<String, Object> value) throws Exception {
        return (Map<String, Object>) taskrunner.Json.STD.mapFrom(taskrunner.Json.bytes(value));
    }

    /** Equal, and every number of the same class. */
    private static void assertSame(Object expected, Object actual, String where) {
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            assertEquals(e.keySet(), a.keySet(), where);
            for (Object k : e.keySet()) assertSame(e.get(k), a.get(k), where + "." + k);
        } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
            assertEquals(e.size(), a.size(), where);
            for (int i = 0; i < e.size(); i++) assertSame(e.get(i), a.get(i), where + "[" + i + "]");
        } else {
            assertEquals(expected, actual, where);
            if (expected != null) assertEquals(expected.getClass(), actual.getClass(), where);
        }
    }

    private List<JournalEvent> events(int n) {
        var events = new ArrayList<JournalEvent>();
        for (int i = 0; i < n; i++) events.add(new JournalEvent(i % 3 == 0 ? "task" : "user", "rec" + i, value(i)));
        return events;
    }

    @Test
    void aSnapshotReadsBackAsTheJsonLinesOfItsEventsWould() throws Exception {
        int n = SnapshotBlock.RECORDS * 2 + 17; // three blocks, the last one short
        assertEquals(n, Snapshot.write(JournalIo.REAL, dir, events(n), 42));
        var read = Snapshot.events(dir.resolve(Snapshot.NAME));
        assertEquals(n, read.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i % 3 == 0 ? "task" : "user", read.get(i).kind());
            assertEquals("rec" + i, read.get(i).id());
            assertSame(viaJson(value(i)), read.get(i).value(), "record " + i);
        }
        assertFalse(Files.exists(dir.resolve(Snapshot.TEMP)));
        var covers = new long[1];
        covers[0] = Snapshot.read(dir.resolve(Snapshot.NAME), e -> e, e -> {}).covers();
        assertEquals(42, covers[0]);
    }

    @Test
    void anEmptySnapshotLoads() throws Exception {
        assertEquals(0, Snapshot.write(JournalIo.REAL, dir, List.of(), 0));
        assertEquals(List.of(), Snapshot.events(dir.resolve(Snapshot.NAME)));
    }

    @Test
    void aSnapshotThatIsNotWholeRefusesToLoad() throws Exception {
        Snapshot.write(JournalIo.REAL, dir, events(5000), 0);
        Path file = dir.resolve(Snapshot.NAME);
        byte[] good = Files.readAllBytes(file);
        var bad = new ArrayList<byte[]>();
        for (int at : new int[] {3, 7, 12, 18, 30, good.length / 2, good.length - 3}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            bad.add(flipped);
        }
        bad.add(Arrays.copyOf(good, good.length - 16)); // no end
        bad.add(Arrays.copyOf(good, good.length / 3)); // cut inside a block
        byte[] longer = Arrays.copyOf(good, good.length + 1); // a byte after the end
        bad.add(longer);
        for (int i = 0; i < bad.size(); i++) {
            Files.write(file, bad.get(i));
            int which = i;
            assertThrows(Journal.Unreadable.class, () -> Snapshot.events(file), "damaged copy " + which);
        }
    }
}
