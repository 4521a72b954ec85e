package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class CsvFormatsTest {

    private static List<List<String>> read(String csv) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(csv, CsvFormats.READ)) {
            for (CSVRecord r : p) {
                out.add(Arrays.asList(r.values()));
            }
        }
        return out;
    }

    private static String write(String... cells) throws IOException {
        StringWriter sw = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(sw, CsvFormats.WRITE)) {
            p.printRecord(Arrays.asList(cells));
        }
        return sw.toString();
    }

    @Test
    void unquotedEmptyIsNullQuotedEmptyIsEmptyString() throws IOException {
        assertEquals(List.of(Arrays.asList("a", null, "", "b", null)), read("a,,\"\",b,\n"));
    }

    @Test
    void quotedNewlinesStayInsideTheCell() throws IOException {
        assertEquals(List.of(List.of("a", "line1\nline2"), List.of("c", "d")),
                read("a,\"line1\nline2\"\r\nc,d\n"));
    }

    @Test
    void blankLinesAreSkipped() throws IOException {
        assertEquals(List.of(List.of("a"), List.of("b")), read("\n\na\n\n\r\nb\n\n"));
    }

    @Test
    void writeQuotesNonNullAndLeavesNullBare() throws IOException {
        assertEquals("\"a\",,\"b\"\n", write("a", null, "b"));
        assertEquals("\"a\",\"\",\"b\"\n", write("a", "", "b"));
        assertEquals("\"a\",\"double quote \"\"test\"\"\"\n", write("a", "double quote \"test\""));
    }

    @Test
    void writeThenReadRoundTripsNullsEmptiesAndSpecials() throws IOException {
        List<String> row = Arrays.asList(null, "", "x,y", "q\"q", "multi\nline", " pad ");
        assertEquals(List.of(row), read(write(row.toArray(String[]::new))));
    }
}
