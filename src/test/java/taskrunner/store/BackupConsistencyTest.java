package taskrunner.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The parts of an online backup: a journal snapshot into another directory that holds
 * exactly the applied state while writes go on, blob deletions held until the copy is done,
 * committed blobs linked and work files copied.
 */
class BackupConsistencyTest {
    private static final int WRITERS = 4;

    private static Store open(Path dir) throws Exception {
        return Store.open(dir, List.of(JournalTest.NOTE), 1L << 30);
    }

    @Test
    void aSnapshotToAnotherDirectoryHoldsExactlyTheAppliedStateWhileWritesGoOn(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live");
        Path copy = Files.createDirectories(dir.resolve("copy"));
        int records;
        var acked = new AtomicInteger[WRITERS];
        try (Store s = open(live)) {
            var stop = new AtomicBoolean();
            var threads = new ArrayList<Thread>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                acked[w] = new AtomicInteger();
                threads.add(Thread.ofVirtual().start(() -> {
                    // each writer puts its notes in order: a state holding note n but not n-1 would be torn
                    for (int n = 0; !stop.get(); n++) {
                        try {
                            s.put(JournalTest.NOTE, writer + "-" + n, new JournalTest.Note(writer + "-" + n, "x"));
                            acked[writer].set(n + 1);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            taskrunner.support.ServerFixture.await("100 acknowledged writes", java.time.Duration.ofSeconds(20),
                    () -> acked[0].get() >= 100);
            int[] ackedBefore = new int[WRITERS];
            for (int w = 0; w < WRITERS; w++) ackedBefore[w] = acked[w].get();
            records = s.snapshotTo(copy);
            stop.set(true);
            for (Thread t : threads) t.join();
            assertEquals(0, s.compactions(), "the live journal is not compacted by a snapshot elsewhere");

            try (Store backup = open(copy)) {
                assertEquals(records, backup.count(JournalTest.NOTE));
                int prefixes = 0;
                for (int w = 0; w < WRITERS; w++) {
                    int have = 0;
                    while (backup.get(JournalTest.NOTE, w + "-" + have) != null) have++;
                    assertTrue(have >= ackedBefore[w], "every note acknowledged before the snapshot is in it");
                    prefixes += have;
                }
                assertEquals(records, prefixes, "each writer's notes are a prefix of what it wrote: no gap, none half");
            }
        }
        try (Store again = open(live)) {
            assertTrue(again.count(JournalTest.NOTE) >= records, "the live directory is whole");
        }
    }

    @Test
    void blobDeletionsWaitForTheLastHoldToClose(@TempDir Path dir) throws Exception {
        var blobs = new BlobStore(dir);
        String id = blobs.write(new ByteArrayInputStream(new byte[BlobStore.INLINE_MAX + 1])).id();
        var work = blobs.work("w1", "t1", -1);
        work.write("a,b\n".getBytes(StandardCharsets.UTF_8));
        work.sync();
        work.close();
        var first = blobs.holdDeletes();
        var second = blobs.holdDeletes();
        blobs.delete(id);
        blobs.deleteWork("w1");
        first.close();
        first.close(); // a second close is no second release
        assertTrue(blobs.exists(id), "held while a hold is open");
        assertTrue(blobs.resumable("w1", 0));
        second.close();
        assertFalse(blobs.exists(id), "deleted once the last hold closed");
        assertFalse(blobs.resumable("w1", 0));
        String later = blobs.write(new ByteArrayInputStream(new byte[BlobStore.INLINE_MAX + 1])).id();
        blobs.delete(later);
        assertFalse(blobs.exists(later), "no hold: at once");
    }

    @Test
    void aCopyLinksCommittedBlobsAndCopiesWorkFiles(@TempDir Path dir) throws Exception {
        var blobs = new BlobStore(dir.resolve("live"));
        byte[] bytes = new byte[BlobStore.INLINE_MAX + 100];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
        String id = blobs.write(new ByteArrayInputStream(bytes)).id();
        var work = blobs.work("w1", "t1", -1);
        work.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        work.sync();

        Path target = Files.createDirectories(dir.resolve("backup"));
        var copied = blobs.copyTo(target);
        assertEquals(1, copied.blobs());
        assertEquals(1, copied.workFiles());
        assertEquals(bytes.length + 8, copied.bytes());
        assertTrue(Files.isSameFile(blobs.path(id), target.resolve("blobs").resolve(id)), "a committed blob is linked");
        work.write("3,4\n".getBytes(StandardCharsets.UTF_8));
        work.sync();
        work.close();
        assertEquals("a,b\n1,2\n", Files.readString(target.resolve("blobs/work/w1")), "a work file is copied, not linked");

        blobs.delete(id);
        var restored = new BlobStore(target);
        try (var in = restored.open(id)) {
            assertArrayEquals(bytes, in.readAllBytes(), "the backup keeps the blob the live directory deleted");
        }
    }

    @Test
    void aBackupIsAWholeDataDirectoryNamedByUtcTime(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live");
        Path backups = dir.resolve("backups");
        var clock = Clock.fixed(java.time.Instant.parse("2026-12-01T15:31:26.414Z"), java.time.ZoneOffset.UTC);
        try (Store s = open(live)) {
            var blobs = new BlobStore(live);
            String id = blobs.write(new ByteArrayInputStream(new byte[BlobStore.INLINE_MAX + 1])).id();
            s.put(JournalTest.NOTE, "a", new JournalTest.Note("a", id));
            var backup = new Backup(s, blobs, backups, clock);
            var first = backup.run();
            var second = backup.run();
            assertEquals(backups.resolve("2026-12-01T15-31-26.414Z"), first.dir());
            assertEquals(backups.resolve("2026-12-01T15-31-26.415Z"), second.dir(), "a taken name: the next millisecond");
            assertEquals(1, first.records());
            assertEquals(1, first.blobs());
            try (Store restored = open(first.dir())) {
                assertEquals(id, restored.get(JournalTest.NOTE, "a").text());
                assertTrue(new BlobStore(first.dir()).exists(id));
            }
        }
    }
}
