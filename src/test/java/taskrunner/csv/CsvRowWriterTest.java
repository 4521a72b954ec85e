package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowWriterTest {

    @Test
    void quotingAndLfEndings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvRowWriter w = new CsvRowWriter(out)) {
            w.write(Arrays.asList("a", null, "b"));
            w.write(List.of("a", "", "b"));
            w.write(List.of("a", "double quote \"test\""));
            w.write(List.of("comma,inside", "new\nline"));
        }
        assertEquals("\"a\",,\"b\"\n"
                + "\"a\",\"\",\"b\"\n"
                + "\"a\",\"double quote \"\"test\"\"\"\n"
                + "\"comma,inside\",\"new\nline\"\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bytesWrittenIsAnExactRecordBoundaryInUtf8Bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvRowWriter w = new CsvRowWriter(out)) {
            assertEquals(0, w.bytesWritten());
            w.write(List.of("é€"));
            long first = w.bytesWritten();
            // quote + 2 bytes é + 3 bytes € + quote + LF
            assertEquals(8, first);
            assertEquals(first, out.size());
            w.write(Arrays.asList("x", null));
            assertEquals(first + 5, w.bytesWritten());
            assertEquals(out.size(), w.bytesWritten());
        }
    }
}
