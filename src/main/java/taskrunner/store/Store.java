package taskrunner.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Every record taskrunner keeps (tasks, accounts, users, tokens, entries, datasets), in
 * memory, indexed by kind and id, and made durable by the {@link Journal}.
 *
 * <p>Invariant: memory holds exactly what the journal holds. Writers block in
 * {@link #put}/{@link #delete} until the event is fsynced; only then does the journal's
 * writer thread change the maps and call the listeners, in file order. Readers therefore
 * never see a value that a crash could take back, and never see half an update (values
 * are immutable records). A write that throws changed nothing, in memory or on disk (the
 * {@link Journal}'s failure contract); a full disk throws {@link StorageFull}, and reads
 * go on.
 *
 * <p>Listeners run on the journal writer thread (on a {@link RecordLog} of another kind, on
 * the thread that applies its events): they must be quick and must not write to the store.
 */
public final class Store implements AutoCloseable {
    private final Map<String, Kind<?>> kinds = new HashMap<>();
    private final Map<String, ConcurrentHashMap<String, Object>> byKind = new ConcurrentHashMap<>();
    private final Map<String, List<BiConsumer<Object, Object>>> listeners = new ConcurrentHashMap<>();
    private RecordLog journal;

    /** Opens the store in {@code dir}; every kind the journal may hold must be given here. */
    public static Store open(Path dir, Collection<Kind<?>> kinds, long compactAfterBytes) throws IOException {
        var store = new Store(kinds);
        store.journal = new Journal(dir, store::decoded, store::apply, store::liveState, compactAfterBytes);
        return store;
    }

    /**
     * Opens the store on another {@link RecordLog} than the data directory's journal (a
     * PostgreSQL database shared by several servers: {@code taskrunner.store.pg.PgLog}).
     */
    public static Store open(Collection<Kind<?>> kinds, RecordLog.Opener log) throws IOException {
        var store = new Store(kinds);
        store.journal = log.open(store::apply, store::liveState);
        return store;
    }

    private Store(Collection<Kind<?>> kinds) {
        for (Kind<?> k : kinds) {
            this.kinds.put(k.name(), k);
            byKind.put(k.name(), new ConcurrentHashMap<>());
        }
    }

    /**
     * Calls {@code listener(old, new)} after every change of a record of this kind (old or
     * new is null for a create or a delete), including during replay at open.
     */
    @SuppressWarnings("unchecked")
    public <T> void listen(Kind<T> kind, BiConsumer<T, T> listener) {
        listeners.computeIfAbsent(kind.name(), k -> new CopyOnWriteArrayList<>())
                .add((a, b) -> listener.accept((T) a, (T) b));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Kind<T> kind, String id) {
        return id == null ? null : (T) byKind.get(kind.name()).get(id);
    }

    @SuppressWarnings("unchecked")
    public <T> Collection<T> all(Kind<T> kind) {
        return (Collection<T>) byKind.get(kind.name()).values();
    }

    public int count(Kind<?> kind) {
        return byKind.get(kind.name()).size();
    }

    /**
     * The ids of every blob a live record refers to, as each kind's codec names them
     * ({@link Kind.Codec#blobs}); inline ids included. For the sweep at start.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Set<String> blobReferences() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (var entry : byKind.entrySet()) {
            Kind.Codec codec = kinds.get(entry.getKey()).codec();
            // on every core: at start this visits every record, a million tasks
            entry.getValue().values().parallelStream().forEach(value -> {
                for (Object id : (Collection<?>) codec.blobs(value)) if (id != null) ids.add((String) id);
            });
        }
        return ids;
    }

    /**
     * Stores the whole value under id; returns once it is durable and visible. Shared with other
     * servers, it replaces the version memory holds: a record another server wrote since this one
     * last read the database is not overwritten unseen.
     *
     * @throws Conflict if another server sharing the database wrote the record since memory's
     *                  version; nothing was written, and {@link #get} gives the newer version
     */
    public <T> void put(Kind<T> kind, String id, T value) throws IOException {
        journal.append(new JournalEvent(kind.name(), id, kind.codec().encode(value), value), () -> true);
    }

    /**
     * Stores {@code value} in place of {@code current}, the version the caller read and based it
     * on; returns once it is durable and visible.
     *
     * @throws Conflict if the record changed meanwhile (another server sharing the database wrote
     *                  it); nothing was written, and {@link #get} gives the newer version
     */
    public <T> void replace(Kind<T> kind, String id, T current, T value) throws IOException {
        var map = byKind.get(kind.name());
        journal.append(new JournalEvent(kind.name(), id, kind.codec().encode(value), value), () -> map.get(id) == current);
    }

    /**
     * Stores a record only where none exists; returns once it is durable and visible. Shared,
     * the database decides; one server alone, its callers serialize their creations of an id.
     *
     * @throws Conflict if the record exists (made through another server a moment ago); nothing
     *                  was written
     */
    public <T> void create(Kind<T> kind, String id, T value) throws IOException {
        replace(kind, id, null, value);
    }

    /** Removes the record; returns once the removal is durable and visible. */
    public void delete(Kind<?> kind, String id) throws IOException {
        journal.append(new JournalEvent(kind.name(), id, null));
    }

    /** Reads the writes other servers sharing this store's database made until now (see {@link RecordLog#catchUp}). */
    public void catchUp() {
        journal.catchUp();
    }

    /** Writes a snapshot and starts an empty journal (also done by size automatically). */
    public void compact() throws IOException {
        journal.compactNow();
    }

    private final java.util.concurrent.atomic.AtomicReference<Thread> scrub = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Compacts within {@code delay}, once for any number of calls meanwhile: a record that
     * dropped a secret (a CKAN job's api_key after its callback) drops it from the data
     * directory too, since older journal lines keep every earlier version of a record until a
     * compaction replaces them with the live state.
     */
    public void compactWithin(java.time.Duration delay) {
        Thread t = Thread.ofVirtual().name("scrub").unstarted(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException closing) {
                return; // the store is closing
            } finally {
                scrub.set(null);
            }
            try {
                journal.compactNow();
            } catch (IOException e) {
                java.util.logging.Logger.getLogger(Store.class.getName())
                        .warning("compaction to drop erased secrets failed (tried again at the next erasure): " + e);
            }
        });
        if (scrub.compareAndSet(null, t)) t.start();
    }

    /**
     * Writes every record as it stands now into {@code dir} as the journal files of a data
     * directory of its own (see {@link Journal#snapshotTo}); returns the number of records.
     */
    public int snapshotTo(Path dir) throws IOException {
        return journal.snapshotTo(dir);
    }

    /** Tells {@code listener} what each batch of journal writes cost from now on (see {@link Journal.Listener}). */
    public void observeJournal(Journal.Listener listener) {
        journal.listener(listener);
    }

    /** Mean events per fsync since open; for benchmarks. */
    public double meanBatch() {
        return journal.meanBatch();
    }

    public long compactions() {
        return journal.compactions();
    }

    private void apply(JournalEvent e) {
        Kind<?> kind = kinds.get(e.kind());
        if (kind == null) {
            throw new IllegalStateException("journal holds records of unknown kind " + e.kind());
        }
        var map = byKind.get(e.kind());
        Object value = e.isDelete() ? null : e.decoded() != null ? e.decoded() : kind.codec().decode(e.value());
        Object old = e.isDelete() ? map.remove(e.id()) : map.put(e.id(), value);
        Object now = e.isDelete() ? null : map.get(e.id());
        for (var l : listeners.getOrDefault(e.kind(), List.of())) l.accept(old, now);
    }

    /**
     * The event with its record decoded (read at open, on several threads at once: codecs are
     * pure); an event of an unknown kind or a delete as it is, for {@link #apply} to judge.
     */
    private JournalEvent decoded(JournalEvent e) {
        Kind<?> kind = kinds.get(e.kind());
        if (kind == null || e.isDelete() || e.decoded() != null) return e;
        return new JournalEvent(e.kind(), e.id(), e.value(), kind.codec().decode(e.value()));
    }

    /**
     * Every live record as a put event, encoded as the iteration reaches it: a view of the maps
     * while writes go on (each record at some version at least as new as the call), and its size
     * the number of records now.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Collection<JournalEvent> liveState() {
        return new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<JournalEvent> iterator() {
                return byKind.entrySet().stream().flatMap(entry -> {
                    Kind kind = kinds.get(entry.getKey());
                    return entry.getValue().entrySet().stream().map(rec ->
                            new JournalEvent(kind.name(), rec.getKey(), kind.codec().encode(rec.getValue())));
                }).iterator();
            }

            @Override
            public int size() {
                int n = 0;
                for (var map : byKind.values()) n += map.size();
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        Thread t = scrub.getAndSet(null);
        if (t != null) t.interrupt(); // the scrub thread only sleeps; it never holds a file
        journal.close();
    }
}
