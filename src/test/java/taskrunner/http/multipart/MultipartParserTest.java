package taskrunner.http.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import taskrunner.http.multipart.MultipartTestSupport.Feed;
import taskrunner.http.multipart.MultipartTestSupport.Parsed;

class MultipartParserTest {
    static final String CURL_BOUNDARY = "------------------------d74496d66958873e";

    /** Default buffer, a tiny buffer fed a byte at a time, and odd sizes so delimiters straddle refills. */
    static Stream<Feed> feeds() {
        int minBuffer = 2 * ("\r\n--" + CURL_BOUNDARY).length();
        return Stream.of(
                new Feed(DelimitedInput.DEFAULT_BUFFER_SIZE, Integer.MAX_VALUE),
                new Feed(minBuffer, 1),
                new Feed(minBuffer, 3),
                new Feed(minBuffer + 7, 13),
                new Feed(257, Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("feeds")
    void parsesCurlShapedBodyWithPreambleAndEpilogue(Feed feed) throws IOException {
        String body = "This is a preamble that must be ignored.\r\n"
                + "--" + CURL_BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"meta\"\r\n"
                + "\r\n"
                + "hello world\r\n"
                + "--" + CURL_BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
                + "Content-Type: text/csv\r\n"
                + "\r\n"
                + "a,b\r\n1,2\r\n\r\n"
                + "--" + CURL_BOUNDARY + "--\r\n"
                + "epilogue, also ignored\r\n--" + CURL_BOUNDARY + "\r\n";

        List<Parsed> parts = parseAll(bytes(body), CURL_BOUNDARY, feed);

        assertEquals(2, parts.size());
        assertEquals("meta", parts.get(0).name());
        assertEquals(Optional.empty(), parts.get(0).filename());
        assertEquals("text/plain", parts.get(0).contentType());
        assertEquals("hello world", parts.get(0).text());
        assertEquals("file", parts.get(1).name());
        assertEquals(Optional.of("notes.txt"), parts.get(1).filename());
        assertEquals("text/csv", parts.get(1).contentType());
        assertEquals("a,b\r\n1,2\r\n", parts.get(1).text());
    }

    @ParameterizedTest
    @MethodSource("feeds")
    void binaryBodiesWithCrLfAndBoundaryFragmentsSurviveIntact(Feed feed) throws IOException {
        String b = CURL_BOUNDARY;
        List<byte[]> bodies = new ArrayList<>(List.of(
                bytes("\r\n--" + b.substring(0, b.length() - 1)),   // delimiter minus last byte
                bytes("x--" + b + "\r\n"),                         // boundary not preceded by CRLF is data
                bytes("\r\n--"),
                bytes("\r"),
                bytes("\r\n"),
                bytes("\r\r\n\n\r\n-\r\n--\r\n--" + b.substring(0, 10) + "\r"),
                new byte[0]));
        Random random = new Random(42);
        byte[] noise = new byte[5000];
        random.nextBytes(noise);
        bodies.add(concat(noise, bytes("\r\n--" + b.substring(0, 20)), noise, bytes("\r\n-")));

        byte[] body = bytes("");
        for (int i = 0; i < bodies.size(); i++) {
            body = concat(body, part(b, bodies.get(i),
                    "Content-Disposition: form-data; name=\"p" + i + "\"; filename=\"bin\"",
                    "Content-Type: application/octet-stream"));
        }
        body = concat(body, close(b));

        List<Parsed> parts = parseAll(body, b, feed);

        assertEquals(bodies.size(), parts.size());
        for (int i = 0; i < bodies.size(); i++) {
            assertEquals("p" + i, parts.get(i).name());
            assertArrayEquals(bodies.get(i), parts.get(i).body(), "body of part " + i);
        }
    }

    @Test
    void noPartsIsAnEmptyForm() throws IOException {
        MultipartParser parser = parser(bytes("--xyz--\r\n"), "xyz", new Feed(4096, 4096));
        assertNull(parser.next());
        assertNull(parser.next(), "stays finished");
    }

    @Test
    void closingDelimiterWithoutTrailingCrLfIsAccepted() throws IOException {
        byte[] body = concat(part("xyz", bytes("v"), "Content-Disposition: form-data; name=a"), bytes("--xyz--"));
        List<Parsed> parts = parseAll(body, "xyz", new Feed(4096, 4096));
        assertEquals(1, parts.size());
        assertEquals("v", parts.get(0).text());
    }

    @Test
    void transportPaddingAfterBoundaryIsIgnored() throws IOException {
        byte[] body = bytes("--xyz \t\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--xyz--\r\n");
        assertEquals("v", parseAll(body, "xyz", new Feed(4096, 4096)).get(0).text());
    }

    @Test
    void advancingSkipsTheUnreadRestOfAPart() throws IOException {
        byte[] first = new byte[20_000];
        new Random(1).nextBytes(first);
        byte[] body = concat(
                part("xyz", first, "Content-Disposition: form-data; name=big"),
                part("xyz", bytes("second"), "Content-Disposition: form-data; name=small"),
                close("xyz"));
        MultipartParser parser = parser(body, "xyz", new Feed(512, 100));

        Part big = parser.next();
        byte[] head = big.body().readNBytes(10);
        assertArrayEquals(java.util.Arrays.copyOf(first, 10), head);
        Part small = parser.next();
        assertEquals("small", small.name());
        assertEquals("second", new String(small.body().readAllBytes()));
        assertNull(parser.next());
    }

    @Test
    void bodyOfAPreviousPartCannotBeReadAfterAdvancing() throws IOException {
        byte[] body = concat(
                part("xyz", bytes("one"), "Content-Disposition: form-data; name=a"),
                part("xyz", bytes("two"), "Content-Disposition: form-data; name=b"),
                close("xyz"));
        MultipartParser parser = parser(body, "xyz", new Feed(4096, 4096));
        InputStream first = parser.next().body();
        parser.next();
        assertThrows(IOException.class, first::read);
    }

    @Test
    void singleByteReadsMatchBulkReads() throws IOException {
        byte[] data = bytes("x\r\ny\r\n--xy\r");
        byte[] body = concat(part("xyz", data, "Content-Disposition: form-data; name=a"), close("xyz"));
        InputStream in = parser(body, "xyz", new Feed(16, 1)).next().body();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1; ) {
            out.write(c);
        }
        assertArrayEquals(data, out.toByteArray());
        assertEquals(-1, in.read(), "stays at end");
    }

    @Test
    void headersAreCaseInsensitiveAndKeepAllValues() throws IOException {
        byte[] body = concat(part("xyz", bytes("v"),
                "content-disposition: form-data; NAME=\"field\"",
                "CONTENT-TYPE: application/json; charset=utf-8",
                "X-Extra: 1",
                "x-extra: 2"), close("xyz"));
        Part p = parser(body, "xyz", new Feed(4096, 4096)).next();
        assertEquals("field", p.name());
        assertEquals("application/json; charset=utf-8", p.contentType());
        assertEquals(Optional.of("application/json; charset=utf-8"), p.headers().first("Content-Type"));
        assertEquals(List.of("1", "2"), p.headers().all("X-EXTRA"));
        assertEquals(List.of(), p.headers().all("missing"));
    }

    @Test
    void filenameVariants() throws IOException {
        String[][] cases = {
            {"form-data; name=\"f\"; filename=\"a\\\"quoted\\\" name.txt\"", "a\"quoted\" name.txt"},
            {"form-data; name=\"f\"; filename=\"semi;colon.txt\"", "semi;colon.txt"},
            {"form-data; name=\"f\"; filename=\"C:\\dir\\file.txt\"", "C:\\dir\\file.txt"},
            {"form-data; name=\"f\"; filename=\"back\\\\slash\"", "back\\slash"},
            {"form-data; name=f; filename=bare.txt", "bare.txt"},
            {"form-data; name=\"f\"; filename=\"\"", ""},
            {"form-data; name=\"f\"; filename=\"rates.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt", "€ rates.txt"},
            {"form-data; name=\"f\"; filename*=utf-8'en'na%C3%AFve.txt; filename=\"naive.txt\"", "naïve.txt"},
            {"form-data; name=\"f\"; filename=\"plain.txt\"; filename*=UTF-8''%E2%82", "plain.txt"},
            {"form-data; name=\"f\"; filename=\"plain.txt\"; filename*=KOI8-R''%C1", "plain.txt"},
            {"form-data; name=\"f\"; filename=\"ünï.txt\"", "ünï.txt"},
        };
        for (String[] c : cases) {
            byte[] body = concat(part("xyz", bytes("v"), "Content-Disposition: " + c[0]), close("xyz"));
            Part p = parser(body, "xyz", new Feed(4096, 4096)).next();
            assertEquals(Optional.of(c[1]), p.filename(), c[0]);
            assertEquals("f", p.name(), c[0]);
        }
    }

    @Test
    void foldedHeaderIsJoined() throws IOException {
        byte[] body = concat(part("xyz", bytes("v"),
                "Content-Disposition: form-data;",
                "\tname=\"folded\""), close("xyz"));
        assertEquals("folded", parser(body, "xyz", new Feed(4096, 4096)).next().name());
    }

    @Test
    void limitsAtExactlyTheMaximumAreAccepted() throws IOException {
        String header = "Content-Disposition: form-data; name=a";
        int headerBlock = header.length() + 4; // CRLF after the line, CRLF of the empty line
        byte[] body = concat(
                part("xyz", bytes("1"), header),
                part("xyz", bytes("2"), header),
                close("xyz"));
        List<Parsed> parts = parseAll(parser(body, "xyz", new Feed(4096, 4096), new MultipartLimits(headerBlock, 2)));
        assertEquals(2, parts.size());
        assertTrue(parts.stream().allMatch(p -> p.name().equals("a")));
    }
}
