package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class BlobStoreTest {
    @TempDir
    Path dir;

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private long files() throws IOException {
        try (var all = Files.walk(dir.resolve("blobs"))) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aWrittenStreamComesBackWithItsSizeAndDigest() throws Exception {
        var blobs = new BlobStore(dir);
        for (int size : new int[] {0, 10, BlobStore.INLINE_MAX, BlobStore.INLINE_MAX + 1, 300_000}) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) bytes[i] = (byte) (i * 31);
            var w = blobs.write(new ByteArrayInputStream(bytes));
            assertEquals(size, w.size());
            assertEquals(sha256(bytes), w.sha256());
            assertEquals(size, blobs.size(w.id()));
            try (var in = blobs.open(w.id())) {
                assertArrayEquals(bytes, in.readAllBytes());
            }
        }
    }

    @Test
    void aStreamThatFailsHalfwayLeavesNothingBehind() throws Exception {
        var blobs = new BlobStore(dir);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(new byte[100_000]), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        });
        var e = assertThrows(IOException.class, () -> blobs.write(failing));
        assertEquals("client went away", e.getMessage());
        assertEquals(0, files());
    }

    @Test
    void theSweepAtStartRemovesWhatNoRecordNamesAndLeavesWorkFiles() throws Exception {
        var blobs = new BlobStore(dir);
        String kept = blobs.write(out -> out.write(new byte[5000]));
        String orphan = blobs.write(out -> out.write(new byte[6000])); // committed, its journal line never written
        String inline = blobs.write(out -> out.write(new byte[10]));
        var left = blobs.create(); // a crash mid-upload
        left.write(new byte[7000]);
        left.flush();
        var work = blobs.work("task-1.out", "task-1", -1); // a running task's output, resumed after the restart
        work.write(new byte[8000]);
        work.sync();
        var again = new BlobStore(dir);
        again.sweep(java.util.Set.of(kept, inline));
        assertTrue(again.exists(kept));
        assertFalse(again.exists(orphan));
        assertTrue(again.exists(inline));
        assertTrue(again.resumable("task-1.out", 8000));
        assertEquals(2, files(), "the kept blob and the work file");
    }

    @Test
    void writtenContentIsCommittedOnlyWhenItReturns() throws Exception {
        var blobs = new BlobStore(dir);
        String id = blobs.write(out -> {
            out.write(new byte[5000]);
            out.close(); // harmless: the blob is committed by write, not by the content
        });
        assertEquals(5000, blobs.size(id));
        assertThrows(IllegalStateException.class, () -> blobs.write(out -> {
            out.write(new byte[5000]);
            throw new IllegalStateException("a bug");
        }));
        assertEquals(1, files());
    }
}
