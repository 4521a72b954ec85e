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
    void theCommonSeparatorIsTheOneThatSplitsEveryLineAlike() throws IOException {
        for (String sep : List.of(",", ";", "\t", "|")) {
            try (CsvRowReader r = common("a" + sep + "b" + sep + "c\n1" + sep + "2" + sep + "3\n")) {
                assertEquals(List.of("a", "b", "c"), r.header(), "separator " + sep);
                assertEquals(List.of("1", "2", "3"), r.next().cells(), "separator " + sep);
            }
        }
        try (CsvRowReader r = common("name,note\nx,\"a; b; c\"\ny,plain; text\n")) {
            assertEquals(List.of("name", "note"), r.header(), "quoted text does not count; a ; on one line only is not regular");
            assertEquals(List.of("x", "a; b; c"), r.next().cells());
            assertEquals(List.of("y", "plain; text"), r.next().cells());
        }
        try (CsvRowReader r = common("a;b,c\n1;2,3\n4;5,6\n")) {
            assertEquals(List.of("a;b", "c"), r.header(), "both regular, as many of each: the comma comes first");
        }
        try (CsvRowReader r = common("a\tb\tc\n1\t2\n")) {
            assertEquals(List.of("a", "b", "c"), r.header(), "none regular: the one most often on the first line");
        }
        try (CsvRowReader r = common("only\n1\n")) {
            assertEquals(List.of("only"), r.header());
        }
    }

    @Test
    void anotherCharsetIsReadAsStrictlyAsUtf8() throws IOException {
        byte[] cp1252 = "id,n\u00e4me\n1,\u20ac\n".getBytes(java.nio.charset.Charset.forName("windows-1252"));
        try (CsvRowReader r = new CsvRowReader(new ByteArrayInputStream(cp1252), CsvRowReader.Separator.COMMA,
                java.nio.charset.Charset.forName("windows-1252"), CsvLimits.NONE)) {
            assertEquals(List.of("id", "n\u00e4me"), r.header());
            assertEquals(List.of("1", "\u20ac"), r.next().cells());
        }
    }

    private static CsvRowReader common(String text) throws IOException {
        return new CsvRowReader(in(text), CsvRowReader.Separator.COMMON, CsvLimits.NONE);
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
