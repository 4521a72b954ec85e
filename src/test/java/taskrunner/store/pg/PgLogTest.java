package taskrunner.store.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import taskrunner.store.Conflict;
import taskrunner.store.Kind;
import taskrunner.store.Store;
import taskrunner.support.Postgres;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Two stores on one real PostgreSQL database, as two servers hold them. */
class PgLogTest {
    record Note(String text) {}

    static final Kind<Note> NOTE = new Kind<>("note", new Kind.Codec<>() {
        public Map<String, Object> encode(Note n) {
            var m = new LinkedHashMap<String, Object>();
            m.put("text", n.text());
            return m;
        }

        public Note decode(Map<String, Object> m) {
            return new Note((String) m.get("text"));
        }
    });

    @RegisterExtension
    static final Postgres pg = new Postgres();

    /** A store whose poll never runs within a test: what it sees, it sees by {@link Store#catchUp}. */
    private static Store open(String url, String node) throws Exception {
        return Store.open(List.of(NOTE), PgLog.opener(url, node, Duration.ofHours(1), null));
    }

    @Test
    void aWriteOnOneStoreIsReadOnTheOtherAfterItsCatchUpAndListenersHearItOnce() throws Exception {
        String url = pg.newDatabase();
        try (var a = open(url, "a"); var b = open(url, "b")) {
            var heard = new ArrayList<String>();
            b.listen(NOTE, (old, now) -> heard.add((old == null ? "-" : old.text()) + ">" + (now == null ? "-" : now.text())));
            a.put(NOTE, "n1", new Note("one"));
            assertEquals(new Note("one"), a.get(NOTE, "n1"), "the writer reads its write at once");
            b.catchUp();
            assertEquals(new Note("one"), b.get(NOTE, "n1"));
            b.put(NOTE, "n1", new Note("two"));
            a.delete(NOTE, "n1");
            b.catchUp();
            b.catchUp();
            assertNull(b.get(NOTE, "n1"));
            assertEquals(List.of("->one", "one>two", "two>-"), heard);
        }
    }

    @Test
    void aReplaceBasedOnAVersionAnotherStoreReplacedIsAConflictAndMemoryMovesOn() throws Exception {
        String url = pg.newDatabase();
        try (var a = open(url, "a"); var b = open(url, "b")) {
            a.put(NOTE, "n", new Note("v1"));
            b.catchUp();
            Note seenByB = b.get(NOTE, "n");
            a.replace(NOTE, "n", a.get(NOTE, "n"), new Note("v2 from a"));
            assertThrows(Conflict.class, () -> b.replace(NOTE, "n", seenByB, new Note("v2 from b")));
            assertEquals(new Note("v2 from a"), b.get(NOTE, "n"), "the conflict brought b up to date");
            b.replace(NOTE, "n", b.get(NOTE, "n"), new Note("v3 from b"));
            a.catchUp();
            assertEquals(new Note("v3 from b"), a.get(NOTE, "n"));
            b.put(NOTE, "fresh", new Note("b made it"));
            assertThrows(Conflict.class, () -> a.replace(NOTE, "fresh", null, new Note("a thought it new")));
            assertEquals(new Note("b made it"), a.get(NOTE, "fresh"));
        }
    }

    @Test
    void aPutOverAVersionMemoryHasNotSeenIsAConflictNotALostUpdate() throws Exception {
        String url = pg.newDatabase();
        try (var a = open(url, "a"); var b = open(url, "b")) {
            a.put(NOTE, "n", new Note("v1"));
            b.catchUp();
            a.put(NOTE, "n", new Note("v2 from a")); // b has not read it yet
            assertThrows(Conflict.class, () -> b.put(NOTE, "n", new Note("v2 from b")));
            assertEquals(new Note("v2 from a"), b.get(NOTE, "n"), "the conflict brought b up to date");
            b.put(NOTE, "n", new Note("v3 from b"));
            a.catchUp();
            assertEquals(new Note("v3 from b"), a.get(NOTE, "n"));
        }
    }

    @Test
    void writesWaitingTogetherShareOneCommitAndAStaleOneAmongThemIsRefusedAlone() throws Exception {
        String url = pg.newDatabase();
        try (var a = open(url, "a"); var b = open(url, "b")) {
            a.put(NOTE, "contested", new Note("v1"));
            b.catchUp();
            Note stale = b.get(NOTE, "contested");
            a.replace(NOTE, "contested", a.get(NOTE, "contested"), new Note("v2 from a"));
            var threads = new ArrayList<Thread>();
            var refused = new java.util.concurrent.atomic.AtomicInteger();
            var ready = new java.util.concurrent.CountDownLatch(33);
            try (var hold = DriverManager.getConnection(url); var st = hold.createStatement()) {
                st.execute("select pg_advisory_lock(" + PgLog.WRITE_LOCK + ")"); // every write of b waits behind it
                for (int t = 0; t < 33; t++) {
                    int n = t;
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            ready.countDown();
                            if (n == 32) b.replace(NOTE, "contested", stale, new Note("stale from b"));
                            else b.put(NOTE, "w" + n, new Note("x" + n));
                        } catch (Conflict e) {
                            refused.incrementAndGet();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }));
                }
                ready.await();
                taskrunner.support.ServerFixture.await("b's first transaction to wait for the lock", Duration.ofSeconds(10), () -> {
                    try (var rs = st.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                            + " and application_name = 'taskrunner b'")) {
                        return rs.next() && rs.getLong(1) == 1;
                    } catch (java.sql.SQLException e) {
                        throw new AssertionError(e);
                    }
                });
                st.execute("select pg_advisory_unlock(" + PgLog.WRITE_LOCK + ")");
            }
            for (Thread t : threads) t.join();
            assertEquals(1, refused.get(), "only the stale replace is refused");
            a.catchUp();
            for (int t = 0; t < 32; t++) assertEquals(new Note("x" + t), a.get(NOTE, "w" + t));
            assertEquals(new Note("v2 from a"), a.get(NOTE, "contested"));
            assertEquals(new Note("v2 from a"), b.get(NOTE, "contested"), "the refusal brought b up to date");
            org.junit.jupiter.api.Assertions.assertTrue(b.meanBatch() >= 4,
                    "33 writes waiting together share a few transactions: " + b.meanBatch() + " a transaction");
        }
    }

    @Test
    void theSchemaIsMigratedOnceAndANewerOneIsRefused() throws Exception {
        String url = pg.newDatabase();
        try (var a = open(url, "a")) {
            a.put(NOTE, "kept", new Note("yes"));
        }
        try (var again = open(url, "a")) {
            assertEquals(new Note("yes"), again.get(NOTE, "kept"));
        }
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            try (var rs = s.executeQuery("select count(*), max(version) from taskrunner_schema")) {
                rs.next();
                assertEquals(Schema.MIGRATIONS.size(), rs.getInt(1));
                assertEquals(Schema.MIGRATIONS.size(), rs.getInt(2));
            }
            s.execute("insert into taskrunner_schema (version) values (" + (Schema.MIGRATIONS.size() + 1) + ")");
        }
        var refused = assertThrows(java.io.IOException.class, () -> open(url, "a"));
        assertEquals(true, refused.getMessage().contains("newer than this server's"), refused.getMessage());
        assertEquals(false, refused.getMessage().contains("secret-pw"), refused.getMessage());
    }
}
