package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowReaderTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerAndNumberedRows() throws IOException {
        try (CsvRowReader r = new CsvRowReader(in("h1,h2\n\na,\n\"\",b\n"), CsvLimits.NONE)) {
            assertEquals(List.of("h1", "h2"), r.header());
            CsvRow first = r.next();
            assertEquals(1, first.number());
            assertEquals(Arrays.asList("a", null), first.cells());
            CsvRow second = r.next();
            assertEquals(2, second.number());
            assertEquals(List.of("", "b"), second.cells());
            assertNull(r.next());
            assertEquals(2, r.rowsRead());
        }
    }

    @Test
    void leadingBomIsStripped() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "id,näme\n1,2\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        try (CsvRowReader r = new CsvRowReader(new ByteArrayInputStream(all), CsvLimits.NONE)) {
            assertEquals(List.of("id", "näme"), r.header());
        }
    }

    @Test
    void sniffedSeparatorIsSemicolonOnlyWhenTheFirstTwoLinesAgree() throws IOException {
        try (CsvRowReader r = new CsvRowReader(in("\uFEFFa;b\n3;4\n\"x;1\";\n"), CsvRowReader.Separator.SNIFFED, CsvLimits.NONE)) {
            assertEquals(List.of("a", "b"), r.header());
            assertEquals(List.of("3", "4"), r.next().cells());
            assertEquals(Arrays.asList("x;1", null), r.next().cells());
        }
        try (CsvRowReader r = new CsvRowReader(in("a;b,c\n1,2\n"), CsvRowReader.Separator.SNIFFED, CsvLimits.NONE)) {
            assertEquals(List.of("a;b", "c"), r.header(), "one ; in the header but none below: comma");
        }
        try (CsvRowReader r = new CsvRowReader(in("a;b\n1;2\n"), CsvLimits.NONE)) {
            assertEquals(List.of("a;b"), r.header(), "without sniffing the separator is always a comma");
        }
    }

    @Test
    void badUtf8IsACheckedIOException() throws IOException {
        byte[] latin1 = "id\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        for (var separator : CsvRowReader.Separator.values()) {
            assertThrows(java.nio.charset.CharacterCodingException.class, () -> {
                try (CsvRowReader r = new CsvRowReader(new ByteArrayInputStream(latin1), separator, CsvLimits.NONE)) {
                    while (r.next() != null) {
                        // read to the end
                    }
                }
            }, separator.name());
        }
    }

    @Test
    void emptyInputHasEmptyHeaderAndNoRows() throws IOException {
        try (CsvRowReader r = new CsvRowReader(in(""), CsvLimits.NONE)) {
            assertEquals(List.of(), r.header());
            assertNull(r.next());
        }
    }

    @Test
    void unterminatedQuoteIsACheckedIOException() throws IOException {
        try (CsvRowReader r = new CsvRowReader(in("a,b\n\"open,x\n1,2\n"), CsvLimits.NONE)) {
            assertThrows(IOException.class, r::next);
        }
    }

    @Test
    void streamsTwoHundredThousandGeneratedRows() throws IOException {
        long rows = 200_000;
        long missing = 0;
        long last = 0;
        try (CsvRowReader r = new CsvRowReader(new GeneratedCsvInputStream(rows), CsvLimits.NONE)) {
            assertEquals(List.of("id", "name", "extra"), r.header());
            for (CsvRow row = r.next(); row != null; row = r.next()) {
                assertEquals(Long.toString(row.number()), row.cells().get(0));
                if (row.cells().get(2) == null) {
                    missing++;
                }
                last = row.number();
            }
        }
        assertEquals(rows, last);
        assertEquals(rows / 1000, missing);
    }
}
