package taskrunner.http.multipart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.http.multipart.MultipartTestSupport.bytes;
import static taskrunner.http.multipart.MultipartTestSupport.close;
import static taskrunner.http.multipart.MultipartTestSupport.concat;
import static taskrunner.http.multipart.MultipartTestSupport.parseAll;
import static taskrunner.http.multipart.MultipartTestSupport.parser;
import static taskrunner.http.multipart.MultipartTestSupport.part;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import taskrunner.http.multipart.MultipartTestSupport.Feed;

class MultipartMalformedTest {
    private static final Feed FEED = new Feed(4096, 4096);
    private static final String CD = "Content-Disposition: form-data; name=a";

    private static MultipartException rejects(byte[] body, String messageFragment) {
        return rejects(body, MultipartLimits.DEFAULT, messageFragment);
    }

    private static MultipartException rejects(byte[] body, MultipartLimits limits, String messageFragment) {
        Executable parseEverything = () -> parseAll(parser(body, "xyz", FEED, limits));
        MultipartException e = assertThrows(MultipartException.class, parseEverything);
        assertTrue(e.getMessage().contains(messageFragment),
                "expected message containing '" + messageFragment + "' but was: " + e.getMessage());
        return e;
    }

    @Test
    void emptyBodyHasNoInitialBoundary() {
        rejects(new byte[0], "missing initial boundary");
    }

    @Test
    void garbageHasNoInitialBoundary() {
        byte[] garbage = new byte[100_000];
        new Random(7).nextBytes(garbage);
        rejects(garbage, "missing initial boundary");
        rejects(bytes("{\"not\": \"multipart\"}"), "missing initial boundary");
    }

    @Test
    void wrongBoundaryIsMissingInitialBoundary() {
        rejects(concat(part("other", bytes("v"), CD), close("other")), "missing initial boundary");
    }

    @Test
    void truncatedInsidePartBodyWhileReading() throws IOException {
        byte[] body = bytes("--xyz\r\n" + CD + "\r\n\r\npartial data");
        MultipartParser parser = parser(body, "xyz", FEED);
        Part p = parser.next();
        MultipartException e = assertThrows(MultipartException.class, () -> p.body().readAllBytes());
        assertTrue(e.getMessage().contains("before the closing boundary"), e.getMessage());
    }

    @Test
    void truncatedInsidePartBodyWhileSkipping() {
        rejects(bytes("--xyz\r\n" + CD + "\r\n\r\npartial data\r\n--xy"), "before the closing boundary");
    }

    @Test
    void missingClosingBoundaryAfterLastDelimiter() {
        rejects(bytes("--xyz\r\n" + CD + "\r\n\r\nv\r\n--xyz"), "before the closing boundary");
        rejects(bytes("--xyz\r\n" + CD + "\r\n\r\nv\r\n--xyz\r\n"), "stream ended inside the headers");
        rejects(bytes("--xyz\r\n" + CD + "\r\n\r\nv\r\n--xyz-"), "malformed boundary line");
    }

    @Test
    void truncatedInsideHeaders() {
        rejects(bytes("--xyz\r\n" + CD), "stream ended inside the headers of part 1");
    }

    @Test
    void boundaryLineWithoutCrLf() {
        rejects(bytes("--xyz\n" + CD + "\r\n\r\nv\r\n--xyz--\r\n"), "not followed by CRLF");
        rejects(bytes("--xyzzy\r\n" + CD + "\r\n\r\nv\r\n--xyz--\r\n"), "not followed by CRLF");
    }

    @Test
    void headerLineWithBareLf() {
        rejects(bytes("--xyz\r\n" + CD + "\n\r\nv\r\n--xyz--\r\n"), "not terminated by CRLF");
        rejects(bytes("--xyz\r\n" + CD + "\r\rX: y\r\n\r\nv\r\n--xyz--\r\n"), "not terminated by CRLF");
    }

    @Test
    void headerLineWithoutColon() {
        rejects(concat(part("xyz", bytes("v"), CD, "NoColonHere"), close("xyz")), "header line without colon");
        rejects(concat(part("xyz", bytes("v"), CD, ": value"), close("xyz")), "header line without name");
    }

    @Test
    void partWithoutUsableContentDisposition() {
        rejects(concat(part("xyz", bytes("v"), "Content-Type: text/plain"), close("xyz")), "no Content-Disposition");
        rejects(concat(part("xyz", bytes("v"), "Content-Disposition: attachment; name=a"), close("xyz")),
                "not form-data");
        rejects(concat(part("xyz", bytes("v"), "Content-Disposition: form-data; filename=a"), close("xyz")),
                "has no name");
        rejects(concat(part("xyz", bytes("v"), "Content-Disposition: form-data; name=\"a"), close("xyz")),
                "unterminated quoted string");
    }

    @Test
    void tooManyParts() {
        byte[] body = new byte[0];
        for (int i = 0; i < 101; i++) {
            body = concat(body, part("xyz", bytes("v" + i), CD));
        }
        byte[] full = concat(body, close("xyz"));
        rejects(full, "more than 100 parts");
        rejects(full, new MultipartLimits(16 * 1024, 3), "more than 3 parts");
    }

    @Test
    void hundredPartsAreFine() throws IOException {
        byte[] body = new byte[0];
        for (int i = 0; i < 100; i++) {
            body = concat(body, part("xyz", bytes("v" + i), CD));
        }
        assertEquals(100, parseAll(concat(body, close("xyz")), "xyz", FEED).size());
    }

    @Test
    void oversizeHeaderBlock() {
        String big = "X-Big: " + "a".repeat(17 * 1024);
        rejects(concat(part("xyz", bytes("v"), CD, big), close("xyz")), "exceed the limit of 16384 bytes");

        String header = CD;
        int headerBlock = header.length() + 4;
        rejects(concat(part("xyz", bytes("v"), header), close("xyz")), new MultipartLimits(headerBlock - 1, 10),
                "exceed the limit");
    }

    @Test
    void oversizeHeaderWithoutLineBreakStopsEarly() {
        // An endless header line must be cut off at the limit, not read to the end of the stream.
        byte[] body = concat(bytes("--xyz\r\n"), bytes("a".repeat(1_000_000)));
        rejects(body, "exceed the limit");
    }

    @Test
    void parserStaysFailedAfterAnError() throws IOException {
        MultipartParser parser = parser(bytes("--xyz\r\nbroken\r\n\r\n--xyz--"), "xyz", FEED);
        assertThrows(MultipartException.class, parser::next);
        MultipartException again = assertThrows(MultipartException.class, parser::next);
        assertTrue(again.getMessage().contains("already failed"), again.getMessage());
    }

    @Test
    void firstPartIsReturnedBeforeLaterErrorsAreSeen() throws IOException {
        // Streaming means errors later in the body surface only when reached.
        byte[] body = concat(part("xyz", bytes("ok"), CD), bytes("--xyz\r\nbroken\r\n\r\n"));
        MultipartParser parser = parser(body, "xyz", FEED);
        assertNotNull(parser.next());
        assertThrows(MultipartException.class, parser::next);
    }

    @Test
    void closingDelimiterEndsParsingEvenIfMoreFollows() throws IOException {
        byte[] body = concat(close("xyz"), part("xyz", bytes("v"), CD), close("xyz"));
        assertNull(parser(body, "xyz", FEED).next());
    }

    @Test
    void isAnIOException() {
        assertTrue(IOException.class.isAssignableFrom(MultipartException.class));
    }
}
