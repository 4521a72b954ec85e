package taskrunner.http.multipart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class MultipartBoundaryTest {

    @Test
    void unquoted() throws MultipartException {
        assertEquals("------------------------d74496d66958873e", MultipartParser.boundaryOf(
                "multipart/form-data; boundary=------------------------d74496d66958873e"));
    }

    @Test
    void quoted() throws MultipartException {
        assertEquals("----WebKitFormBoundary7MA4YWxkTrZu0gW",
                MultipartParser.boundaryOf("multipart/form-data; boundary=\"----WebKitFormBoundary7MA4YWxkTrZu0gW\""));
        assertEquals("with space", MultipartParser.boundaryOf("multipart/form-data; boundary=\"with space\""));
        assertEquals("a;b=c", MultipartParser.boundaryOf("multipart/form-data; boundary=\"a;b=c\"; charset=utf-8"));
    }

    @Test
    void caseAndSpacingAndOtherParameters() throws MultipartException {
        assertEquals("AbC", MultipartParser.boundaryOf("Multipart/Form-Data ;charset=utf-8;  BOUNDARY = AbC ; x=y"));
        assertEquals("q", MultipartParser.boundaryOf("multipart/form-data; x=\"boundary=wrong\"; boundary=q"));
    }

    @Test
    void rejectsMissingOrInvalid() {
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf(null));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf(""));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data"));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; charset=utf-8"));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; boundary="));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; boundary=\"\""));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; boundary=\"abc"));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; boundary=\"ab \""));
        assertThrows(MultipartException.class,
                () -> MultipartParser.boundaryOf("multipart/form-data; boundary=" + "a".repeat(71)));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/form-data; boundary=caf\u00e9"));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("application/json; boundary=abc"));
        assertThrows(MultipartException.class, () -> MultipartParser.boundaryOf("multipart/mixed; boundary=abc"));
    }

    @Test
    void seventyCharactersIsTheMaximum() throws MultipartException {
        String b = "a".repeat(70);
        assertEquals(b, MultipartParser.boundaryOf("multipart/form-data; boundary=" + b));
    }

    @Test
    void constructorValidatesBoundaryToo() {
        var in = new ByteArrayInputStream(new byte[0]);
        assertThrows(MultipartException.class, () -> new MultipartParser(in, ""));
        assertThrows(MultipartException.class, () -> new MultipartParser(in, "a\r\nb"));
    }
}
