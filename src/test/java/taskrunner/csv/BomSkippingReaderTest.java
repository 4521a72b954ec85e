package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BomSkippingReaderTest {

    private static String read(byte[] bytes) throws IOException {
        try (Reader r = BomSkippingReader.open(new ByteArrayInputStream(bytes))) {
            var out = new StringWriter();
            r.transferTo(out);
            return out.toString();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void leadingBomIsDroppedAndTheRestKept() throws IOException {
        assertEquals("a,b\n", read(utf8("\uFEFFa,b\n")));
        assertEquals("a,b\n", read(utf8("a,b\n")));
    }

    @Test
    void onlyTheFirstBomIsDropped() throws IOException {
        assertEquals("\uFEFFx", read(utf8("\uFEFF\uFEFFx")));
        assertEquals("x\uFEFF", read(utf8("x\uFEFF")));
    }

    @Test
    void emptyAndBomOnlyInputsAreEmpty() throws IOException {
        assertEquals("", read(new byte[0]));
        assertEquals("", read(utf8("\uFEFF")));
    }

    @Test
    void badUtf8IsReportedNotReplaced() {
        assertThrows(CharacterCodingException.class, () -> read("Jos\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
    }
}
