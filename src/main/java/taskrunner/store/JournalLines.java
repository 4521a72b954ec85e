package taskrunner.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Reads a JSON-lines file of the {@link Journal} (a journal segment, or a snapshot of the
 * JSON form older servers wrote): one event per line, ended by {@code '\n'}, the data ending
 * at the first NUL byte (preallocation). Lines are parsed in parallel a batch at a time and
 * applied on the calling thread in file order.
 */
final class JournalLines {
    private final Path file;
    private final boolean tolerateTornTail;
    private final UnaryOperator<JournalEvent> prepare;
    private final Consumer<JournalEvent> apply;

    private JournalLines(Path file, boolean tolerateTornTail, UnaryOperator<JournalEvent> prepare, Consumer<JournalEvent> apply) {
        this.file = file;
        this.tolerateTornTail = tolerateTornTail;
        this.prepare = prepare;
        this.apply = apply;
    }

    /**
     * Replays {@code file} (if it exists) into {@code apply}, each event first through {@code
     * prepare} on a parsing thread; returns the byte length of its good prefix. With {@code
     * tolerateTornTail} a last line that is incomplete or unreadable with nothing but zeros after
     * it ends the replay (a torn write); any other bad line throws {@link Journal.Unreadable}.
     */
    static long replay(Path file, boolean tolerateTornTail, UnaryOperator<JournalEvent> prepare,
                       Consumer<JournalEvent> apply) throws IOException {
        return new JournalLines(file, tolerateTornTail, prepare, apply).replay();
    }

    /** Lines parsed together at replay: in parallel, then applied in file order. */
    private static final int REPLAY_BATCH = 4096;

    /**
     * Replays a file into apply; returns the byte length of its good prefix. Lines are parsed
     * in parallel a batch at a time (a snapshot of a million tasks is mostly JSON parsing) and
     * applied on this thread in file order, so apply sees exactly the sequence a line-by-line
     * replay would.
     */
    private long replay() throws IOException {
        if (!Files.exists(file)) return 0;
        var batch = new ArrayList<byte[]>(REPLAY_BATCH);
        long[] good = {0};
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int start = 0; // buf[start, len) is read and not yet a line of the batch
            int len = 0;
            int scanned = 0; // buf[start, scanned) holds neither a newline nor a NUL
            boolean eof = false;
            while (true) {
                int nl = -1;
                int nul = -1;
                for (int i = scanned; i < len; i++) {
                    if (buf[i] == '\n') {
                        nl = i;
                        break;
                    }
                    if (buf[i] == 0) {
                        nul = i;
                        break;
                    }
                }
                if (nl < 0 && nul < 0 && !eof) {
                    scanned = len;
                    if (start > 0) { // move the partial line to the front, once per buffer, not per line
                        System.arraycopy(buf, start, buf, 0, len - start);
                        len -= start;
                        scanned -= start;
                        start = 0;
                    } else if (len == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    int n = in.read(buf, len, buf.length - len);
                    if (n < 0) eof = true;
                    else len += n;
                    continue;
                }
                if (nl >= 0) {
                    batch.add(java.util.Arrays.copyOfRange(buf, start, nl));
                    start = nl + 1;
                    scanned = start;
                    if (batch.size() < REPLAY_BATCH) continue;
                }
                if (!applyBatch(batch, good, buf, start, len, in)) break;
                if (nl < 0) { // end of data: EOF or the preallocated zeros
                    int rest = (nul >= 0 ? nul : len) - start;
                    if (rest > 0 && !tolerateTornTail) throw new Journal.Unreadable(file, good[0], "incomplete last line");
                    break;
                }
            }
        }
        return good[0];
    }

    /**
     * Parses the batch in parallel and applies it in order, adding each line's length to
     * {@code good}; clears the batch. False when its last line is a torn write (unreadable,
     * nothing but zeros after it: replay ends there); an unreadable line otherwise throws.
     */
    private boolean applyBatch(List<byte[]> batch, long[] good, byte[] buf, int from, int len, java.io.InputStream in)
            throws IOException {
        List<JournalEvent> events = batch.size() < 64 ? batch.stream().map(this::parse).toList()
                : batch.parallelStream().map(this::parse).toList();
        for (int i = 0; i < events.size(); i++) {
            JournalEvent e = events.get(i);
            if (e == null) {
                // a complete but unreadable line is a torn write only if nothing but zeros follows
                if (tolerateTornTail && i == events.size() - 1 && onlyZerosFollow(buf, from, len, in)) {
                    batch.clear();
                    return false;
                }
                throw new Journal.Unreadable(file, good[0], "unreadable line after byte " + good[0]);
            }
            apply.accept(e);
            good[0] += batch.get(i).length + 1;
        }
        batch.clear();
        return true;
    }

    private static boolean onlyZerosFollow(byte[] buf, int from, int len, java.io.InputStream in) throws IOException {
        for (int i = from; i < len; i++) if (buf[i] != 0) return false;
        int c;
        while ((c = in.read(buf)) > 0) for (int i = 0; i < c; i++) if (buf[i] != 0) return false;
        return true;
    }

    private JournalEvent parse(byte[] line) {
        JournalEvent e = parseLine(line);
        return e == null ? null : prepare.apply(e);
    }

    /** Parses one complete line (without its newline); null if it is not a journal line. */
    @SuppressWarnings("unchecked")
    private static JournalEvent parseLine(byte[] line) {
        Map<String, Object> obj;
        try {
            obj = taskrunner.Json.STD.mapFrom(line);
        } catch (IOException e) {
            return null;
        }
        if (!(obj.get("k") instanceof String kind) || !(obj.get("id") instanceof String id)) return null;
        Object v = obj.get("v");
        boolean delete = Boolean.TRUE.equals(obj.get("del"));
        if (!delete && !(v instanceof Map)) return null;
        // a value that repeats its id shares the key's String: one copy per record in memory
        if (v instanceof Map<?, ?> value && id.equals(value.get("id"))) ((Map<String, Object>) value).put("id", id);
        return new JournalEvent(kind, id, delete ? null : (Map<String, Object>) v);
    }
}
