package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvJsonRecordsToCsvTest {

    private static String convert(String jsonArray) throws IOException {
        List<Object> parsed = JSON.std.listFrom(jsonArray);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) (List<?>) parsed;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonRecordsToCsv.write(records, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void singleColumn() throws IOException {
        assertEquals("\"A\"\n\"a1\"\n\"42\"\n", convert("[{\"A\":\"a1\"},{\"A\":\"42\"}]"));
    }

    @Test
    void emptyStringsBecomeMissing() throws IOException {
        assertEquals("\"account_id\",\"e164\",\"cnam.outbound\"\n\"x\",\"+1\",\"me\"\n,\"+2\",\n",
                convert("[{\"account_id\":\"x\",\"e164\":\"+1\",\"cnam.outbound\":\"me\"},"
                        + "{\"account_id\":\"\",\"e164\":\"+2\",\"cnam.outbound\":\"\"}]"));
    }

    @Test
    void columnsComeFromFirstRecordOnly() throws IOException {
        assertEquals("\"b\",\"a\"\n\"1\",\"2\"\n\"3\",\n",
                convert("[{\"b\":\"1\",\"a\":\"2\"},{\"b\":\"3\",\"c\":\"dropped\"}]"));
    }

    @Test
    void valueTypes() throws IOException {
        String csv = convert("[{\"i\":42,\"big\":12345678901234567890,\"f\":1.5,\"t\":true,"
                + "\"n\":null,\"o\":{\"k\":\"v\",\"z\":1},\"arr\":[\"a\",1,\"b\"],\"neg\":-7}]");
        assertEquals("\"i\",\"big\",\"f\",\"t\",\"n\",\"o\",\"arr\",\"neg\"\n"
                + "\"42\",\"12345678901234567890\",\"1.5\",\"true\",,"
                + "\"{\"\"k\"\":\"\"v\"\",\"\"z\"\":1}\",\"a1b\",\"-7\"\n", csv);
    }

    @Test
    void noRecordsNoOutput() throws IOException {
        assertEquals("", convert("[]"));
    }

    @Test
    void callerStreamIsLeftOpen() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertEquals(1, JsonRecordsToCsv.write(List.of(Map.of("k", "v")), out));
        assertEquals(false, closed[0]);
        assertEquals("\"k\"\n\"v\"\n", sink.toString(StandardCharsets.UTF_8));
    }
}
