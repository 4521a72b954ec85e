package taskrunner.tasks.datapusher;

import org.junit.jupiter.api.Test;
import taskrunner.core.Cancellation;
import taskrunner.core.TaskContext;
import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRowReader;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The guess is conservative: what is not plainly a number or a date stays text, so no load fails on it. */
class ColumnTypesTest {
    private static final TaskContext RUNNING = new TaskContext() {
        public String taskId() {
            return "t";
        }

        public String accountId() {
            return null;
        }

        public String authAccountId() {
            return null;
        }

        public boolean cancelled() {
            return false;
        }

        public void sleep(Duration d) {}

        public Cancellation.Registration onCancel(Runnable action) {
            return () -> {};
        }
    };

    private static ColumnTypes.Result scan(String csv, Map<String, Map<String, Object>> info) throws Exception {
        try (var r = new CsvRowReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), CsvRowReader.Separator.COMMON,
                CsvLimits.NONE)) {
            return ColumnTypes.scan(r, info, RUNNING);
        }
    }

    private static List<FieldType> types(String csv) throws Exception {
        return scan(csv, Map.of()).fields().stream().map(Field::type).toList();
    }

    @Test
    void numbersWithALeadingZeroStayTextSoIdentifiersKeepThem() throws Exception {
        assertEquals(List.of(FieldType.TEXT, FieldType.NUMERIC, FieldType.NUMERIC),
                types("zip,amount,ratio\n02134,12,0.5\n10001,-3,1e3\n"));
        assertEquals(List.of(FieldType.TEXT, FieldType.TEXT), types("a,b\n1.,1 000\n2,3\n"), "no half numbers, no separators");
    }

    @Test
    void aDateColumnKeepsOneFormAndSlashDatesAreMonthFirstUnlessADayShowsOtherwise() throws Exception {
        var r = scan("us,eu,iso,dotted\n03/04/2021,03/04/2021,2021-04-03 10:20,03.04.2021\n12/31/2021,31/12/2021,2021-04-03,31.12.2021\n",
                Map.of());
        var f = r.fields();
        assertEquals(DateForm.MONTH_SLASH, f.get(0).form());
        assertEquals(DateForm.DAY_SLASH, f.get(1).form());
        assertEquals("2021-04-03T00:00:00", f.get(1).value("03/04/2021"));
        assertEquals("2021-03-04T00:00:00", f.get(0).value("03/04/2021"));
        assertEquals("2021-04-03T10:20:00", f.get(2).value("2021-04-03 10:20"));
        assertEquals(FieldType.TIMESTAMP, f.get(3).type());
        assertEquals(List.of(FieldType.TEXT), types("d\n2021-02-30\n"), "no 30 February");
    }

    @Test
    void blanksDoNotDecideATypeAndBlankRowsAreNotCounted() throws Exception {
        var r = scan("n,empty\n1,\n,\n  ,\n3,\n", Map.of());
        assertEquals(List.of(FieldType.NUMERIC, FieldType.TEXT), r.fields().stream().map(Field::type).toList());
        assertEquals(2, r.rows());
        assertNull(r.fields().get(0).value(" "));
        assertEquals("", r.fields().get(1).value(null));
    }

    @Test
    void aValueThatDoesNotFitATypeOverrideEndsTheScanButOneThatDoesIsKept() throws Exception {
        var info = Map.<String, Map<String, Object>>of("code", Map.of("type_override", "numeric"));
        var r = scan("code\n007\n8\n", info);
        assertEquals(FieldType.NUMERIC, r.fields().get(0).type());
        assertEquals(7L, r.fields().get(0).value("007"), "PostgreSQL reads leading zeros");
        var e = assertThrows(taskrunner.core.JobTaskType.JobError.class, () -> scan("code\n7\nseven\n", info));
        assertEquals("Column \"code\" is set to numeric (type_override), but row 2 holds \"seven\", which is not a number."
                + " Nothing was changed in the DataStore.", e.getMessage());
    }

    @Test
    void aHeaderNamingAColumnTwiceIsRefusedAndAnUnnamedColumnLeftOut() throws Exception {
        var e = assertThrows(taskrunner.core.JobTaskType.JobError.class, () -> scan("a,b,a\n1,2,3\n", Map.of()));
        assertEquals("The file's header names the column \"a\" twice.", e.getMessage());
        var r = scan("a,,c\n1,2,3\n", Map.of());
        assertEquals(List.of("a", "c"), r.fields().stream().map(Field::id).toList());
        assertEquals(2, r.fields().get(1).position());
    }
}
