package taskrunner.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One block of a {@link Snapshot}: up to {@link #RECORDS} put events with their own string
 * table, so that each block decodes alone (blocks load in parallel) and a value that many
 * records repeat (a key, a face, an account id) is stored and decoded once per block.
 *
 * <h2>Layout</h2>
 * Integers are unsigned LEB128 varints ({@code varint}) unless said otherwise.
 * <pre>
 *   block   := varint strings, strings × (varint bytes, UTF-8 bytes),
 *              varint records, records × record
 *   record  := varint kind, varint id, value          (kind and id: indexes into the strings)
 *   value   := tag byte, then
 *              0 null | 1 false | 2 true
 *              3 integer: zigzag varint (read back as Integer when it fits, else Long)
 *              4 double: 8 bytes, IEEE 754, big-endian
 *              5 string: varint index
 *              6 object: varint n, n × (varint key index, value)
 *              7 array:  varint n, n × value
 *              8 integer beyond 64 bits: varint index of its decimal digits
 * </pre>
 * A value reads back exactly as the JSON journal line of the same event reads back through
 * jackson-jr (the codecs see the same maps either way): numbers that JSON would turn into an
 * Integer, a Long, a BigInteger or a Double become that, an object member whose value is null
 * is left out as the JSON writer leaves it out, and any other Java type is first put through
 * JSON ({@link #normalize}).
 */
final class SnapshotBlock {
    /** Records per block: big enough that a string table pays off, small enough to spread over threads. */
    static final int RECORDS = 4096;

    private static final int NULL = 0, FALSE = 1, TRUE = 2, INTEGER = 3, DOUBLE = 4, STRING = 5, OBJECT = 6, ARRAY = 7, BIG = 8;

    private SnapshotBlock() {}

    /** Collects the records of one block; {@link #finish} gives its bytes. Not thread-safe. */
    static final class Writer {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> strings = new ArrayList<>();
        private final Bytes records = new Bytes(1 << 16);
        private int count;

        void add(JournalEvent e) {
            if (e.isDelete()) throw new IllegalArgumentException("a snapshot holds puts only: " + e.kind() + " " + e.id());
            records.varint(string(e.kind()));
            records.varint(string(e.id()));
            value(e.value());
            count++;
        }

        int count() {
            return count;
        }

        boolean full() {
            return count >= RECORDS;
        }

        /** The block's bytes; the writer is empty again after. */
        byte[] finish() {
            var out = new Bytes(records.length + 16 * strings.size() + 16);
            out.varint(strings.size());
            for (String s : strings) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                out.varint(utf8.length);
                out.bytes(utf8, 0, utf8.length);
            }
            out.varint(count);
            out.bytes(records.buf, 0, records.length);
            index.clear();
            strings.clear();
            records.length = 0;
            count = 0;
            return Arrays.copyOf(out.buf, out.length);
        }

        private int string(String s) {
            Integer i = index.get(s);
            if (i != null) return i;
            index.put(s, strings.size());
            strings.add(s);
            return strings.size() - 1;
        }

        private void value(Object v) {
            switch (v) {
                case null -> records.tag(NULL);
                case Boolean b -> records.tag(b ? TRUE : FALSE);
                case String s -> {
                    records.tag(STRING);
                    records.varint(string(s));
                }
                case Integer i -> integer(i);
                case Long l -> integer(l);
                case Short s -> integer(s);
                case Byte b -> integer(b);
                case BigInteger b when b.bitLength() < 64 -> integer(b.longValue());
                case BigInteger b -> {
                    records.tag(BIG);
                    records.varint(string(b.toString()));
                }
                case Double d when Double.isFinite(d) -> {
                    records.tag(DOUBLE);
                    records.int64(Double.doubleToRawLongBits(d));
                }
                case Map<?, ?> m when keysAreStrings(m) -> {
                    // a null member is left out, as the JSON writer leaves it out
                    records.tag(OBJECT);
                    int members = 0;
                    for (Object o : m.values()) if (o != null) members++;
                    records.varint(members);
                    for (var e : m.entrySet()) {
                        if (e.getValue() == null) continue;
                        records.varint(string((String) e.getKey()));
                        value(e.getValue());
                    }
                }
                case List<?> l -> {
                    records.tag(ARRAY);
                    records.varint(l.size());
                    for (Object o : l) value(o);
                }
                default -> value(normalize(v));
            }
        }

        private void integer(long v) {
            records.tag(INTEGER);
            records.varint((v << 1) ^ (v >> 63));
        }
    }

    private static boolean keysAreStrings(Map<?, ?> m) {
        for (Object k : m.keySet()) if (!(k instanceof String)) return false;
        return true;
    }

    /**
     * What a value of another type (a float, a BigDecimal, an enum, a non-finite double, a
     * map with other keys, an array ...) reads back as after a JSON journal line: its JSON, parsed.
     */
    static Object normalize(Object v) {
        if (v instanceof BigDecimal d) return d.doubleValue(); // jackson-jr reads every JSON float as a Double
        try {
            return taskrunner.Json.STD.anyFrom(taskrunner.Json.bytes(v));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Decodes one block's bytes; throws {@link IllegalArgumentException} if they are not a block. */
    static List<JournalEvent> read(byte[] block) {
        var in = new Reader(block);
        try {
            int n = in.count();
            String[] strings = new String[n];
            for (int i = 0; i < n; i++) {
                int len = in.count();
                if (len > block.length - in.pos) throw new IllegalArgumentException("string past the block's end");
                strings[i] = new String(block, in.pos, len, StandardCharsets.UTF_8);
                in.pos += len;
            }
            int records = in.count();
            var events = new ArrayList<JournalEvent>(records);
            for (int r = 0; r < records; r++) {
                String kind = strings[in.count()];
                String id = strings[in.count()];
                if (!(in.value(strings) instanceof Map<?, ?> value)) throw new IllegalArgumentException("a record that is not an object");
                @SuppressWarnings("unchecked")
                var map = (Map<String, Object>) value;
                events.add(new JournalEvent(kind, id, map));
            }
            if (in.pos != block.length) throw new IllegalArgumentException("bytes after the block's last record");
            return events;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("a block that ends early or names a string it lacks", e);
        }
    }

    /** A growable byte array with the writes a block needs. */
    private static final class Bytes {
        byte[] buf;
        int length;

        Bytes(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (length + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
        }

        void tag(int t) {
            room(1);
            buf[length++] = (byte) t;
        }

        void varint(long v) {
            room(10);
            while ((v & ~0x7FL) != 0) {
                buf[length++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[length++] = (byte) v;
        }

        void int64(long v) {
            room(8);
            for (int s = 56; s >= 0; s -= 8) buf[length++] = (byte) (v >>> s);
        }

        void bytes(byte[] b, int off, int len) {
            room(len);
            System.arraycopy(b, off, buf, length, len);
            length += len;
        }
    }

    private static final class Reader {
        final byte[] buf;
        int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) return v;
            }
            throw new IllegalArgumentException("a varint of more than 10 bytes");
        }

        /** A varint that counts something in this block: never more than its bytes. */
        int count() {
            long v = varint();
            if (v < 0 || v > buf.length) throw new IllegalArgumentException("a count beyond the block: " + v);
            return (int) v;
        }

        Object value(String[] strings) {
            int tag = buf[pos++];
            return switch (tag) {
                case NULL -> null;
                case FALSE -> Boolean.FALSE;
                case TRUE -> Boolean.TRUE;
                case INTEGER -> {
                    long z = varint();
                    long v = (z >>> 1) ^ -(z & 1);
                    yield v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
                }
                case DOUBLE -> {
                    long bits = 0;
                    for (int i = 0; i < 8; i++) bits = (bits << 8) | (buf[pos++] & 0xFF);
                    yield Double.longBitsToDouble(bits);
                }
                case STRING -> strings[count()];
                case OBJECT -> {
                    int n = count();
                    var m = new LinkedHashMap<String, Object>(n + n / 3 + 1);
                    for (int i = 0; i < n; i++) {
                        String key = strings[count()];
                        m.put(key, value(strings));
                    }
                    yield m;
                }
                case ARRAY -> {
                    int n = count();
                    var l = new ArrayList<Object>(n);
                    for (int i = 0; i < n; i++) l.add(value(strings));
                    yield l;
                }
                case BIG -> new BigInteger(strings[count()]);
                default -> throw new IllegalArgumentException("unknown value tag " + tag);
            };
        }
    }
}
