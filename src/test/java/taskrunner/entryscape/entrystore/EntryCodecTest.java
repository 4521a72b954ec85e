package taskrunner.entryscape.entrystore;

import org.junit.jupiter.api.Test;
import taskrunner.Json;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Entry records journaled by the code before contributors existed still load, and new ones round-trip. */
class EntryCodecTest {
    /** A file entry's journal value exactly as the previous encoder wrote it. */
    static final String OLD = """
            {"ctx":"1","id":"9","et":"local","gt":"none","ir":true,"md":{"http://h/store/1/resource/9":{}},
             "blob":"=YSxi","mime":"text/csv","name":"a.csv","size":4,"sha256":"ab","created":1000,"modified":2000,
             "creator":"u1","job":"j1"}""";

    @Test
    @SuppressWarnings("unchecked")
    void aRecordWithoutContributorsLoadsWithNoneAndIsWrittenBackTheSame() throws Exception {
        Map<String, Object> old = (Map<String, Object>) Json.STD.anyFrom(OLD);
        Entry e = Entry.KIND.codec().decode(old);
        assertEquals(List.of(), e.contributors());
        assertEquals("u1", e.creator());
        assertEquals(old, Json.STD.anyFrom(Json.STD.asString(Entry.KIND.codec().encode(e))));
    }

    @Test
    void contributorsRoundTripInOrder() {
        Entry e = Entry.KIND.codec().decode(Entry.KIND.codec().encode(
                new Entry("1", "2", "local", "none", false, null, Map.of(), null, null, null, 0, null, 1, 2, "u1", null)
                        .changedBy("u2").changedBy("u1").changedBy("u3").changedBy("u2")));
        assertEquals(List.of("u2", "u3"), e.contributors());
    }
}
