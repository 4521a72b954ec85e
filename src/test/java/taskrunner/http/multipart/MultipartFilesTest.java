package taskrunner.http.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taskrunner.http.multipart.MultipartTestSupport.bytes;
import static taskrunner.http.multipart.MultipartTestSupport.close;
import static taskrunner.http.multipart.MultipartTestSupport.concat;
import static taskrunner.http.multipart.MultipartTestSupport.parser;
import static taskrunner.http.multipart.MultipartTestSupport.part;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taskrunner.http.multipart.MultipartTestSupport.Feed;

class MultipartFilesTest {
    private static final Feed FEED = new Feed(4096, 4096);

    @TempDir
    Path dir;

    @Test
    void savesFirstNamedPartAndDiscardsTheRest() throws IOException {
        byte[] payload = bytes("col1,col2\r\n1,2\r\n--xy-ish\r\n");
        byte[] body = concat(
                part("xyz", bytes("ignored"), "Content-Disposition: form-data; name=\"comment\""),
                part("xyz", payload,
                        "Content-Disposition: form-data; name=\"file\"; filename=\"data.csv\"",
                        "Content-Type: text/csv"),
                part("xyz", bytes("second file, ignored"),
                        "Content-Disposition: form-data; name=\"file\"; filename=\"other.csv\""),
                close("xyz"));
        Path target = Files.createTempFile(dir, "upload", ".tmp");
        Files.writeString(target, "old content that must be replaced entirely");

        Optional<SavedPart> saved = MultipartFiles.saveFirst(parser(body, "xyz", FEED), "file", target);

        assertEquals(Optional.of(new SavedPart("file", Optional.of("data.csv"), "text/csv", payload.length)), saved);
        assertArrayEquals(payload, Files.readAllBytes(target));
    }

    @Test
    void missingPartLeavesTargetUntouched() throws IOException {
        byte[] body = concat(part("xyz", bytes("v"), "Content-Disposition: form-data; name=\"other\""), close("xyz"));
        Path target = dir.resolve("never-created");

        assertEquals(Optional.empty(), MultipartFiles.saveFirst(parser(body, "xyz", FEED), "file", target));
        assertTrue(Files.notExists(target));
    }

    @Test
    void malformedBodyAfterTheSavedPartStillFails() throws IOException {
        byte[] body = concat(
                part("xyz", bytes("v"), "Content-Disposition: form-data; name=\"file\""),
                bytes("--xyz\r\nno colon\r\n\r\n"));
        Path target = dir.resolve("upload");
        assertThrows(MultipartException.class, () -> MultipartFiles.saveFirst(parser(body, "xyz", FEED), "file", target));
    }
}
