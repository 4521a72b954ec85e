package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowReaderLimitsTest {

    private static final CsvLimits SMALL = new CsvLimits(10, 20);

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** All rows of {@code csv} read with {@code limits}; the exception if the reader refuses one. */
    private static List<CsvRow> rows(String csv, CsvLimits limits) throws IOException {
        try (var r = new CsvRowReader(in(csv), limits)) {
            var out = new java.util.ArrayList<CsvRow>();
            for (CsvRow row; (row = r.next()) != null; ) out.add(row);
            return out;
        }
    }

    @Test
    void aHugeCellFailsAfterReadingLittleMoreThanTheRowLimit() throws IOException {
        long cellBytes = 50L << 20;
        var limits = new CsvLimits(1 << 20, 2 << 20);
        var huge = new OneHugeCell(cellBytes);
        try (var r = new CsvRowReader(huge, limits)) {
            assertEquals(List.of("id", "big"), r.header());
            assertEquals(List.of("1", "small"), r.next().cells());
            TooLarge e = assertThrows(TooLarge.class, r::next);
            assertEquals(2, e.row());
            assertEquals(TooLarge.Cap.CELL, e.cap());
            assertEquals(1 << 20, e.limit());
            assertEquals("CSV row 2 has a cell longer than the limit of 1048576 characters", e.getMessage());
            assertThrows(TooLarge.class, r::next, "the reader stays refused");
        }
        // the cell limit plus the parser's and decoder's buffers, nowhere near the 50 MB cell
        assertTrue(huge.consumed < (1 << 20) + (64 << 10), "read " + huge.consumed + " bytes");
    }

    @Test
    void aCellAtTheLimitPassesAndOneMoreCharacterIsRefused() throws IOException {
        String ten = "x".repeat(10);
        assertEquals(List.of(ten, "a"), rows("h,i\n" + ten + ",a\n", SMALL).get(0).cells());
        TooLarge e = assertThrows(TooLarge.class, () -> rows("h,i\n1,2\n" + ten + "y,a\n", SMALL));
        assertEquals(2, e.row());
        assertEquals(TooLarge.Cap.CELL, e.cap());
    }

    @Test
    void quotesAreNotCountedAndADoubledQuoteCountsOnce() throws IOException {
        // value: 8 x's and one quote = 9 characters, 12 as written
        String cell = "\"xxxx\"\"xxxx\"";
        assertEquals("xxxx\"xxxx", rows("h\n" + cell + "\n", SMALL).get(0).cells().get(0));
        // separators and line breaks inside quotes: a newline inside a quoted cell is part of its value
        assertThrows(TooLarge.class, () -> rows("h\n\"xxxxx\nxxxxx\"\n", SMALL));
        assertEquals(1, rows("h\n\"xxxx\nxxxx\"\n", SMALL).size());
    }

    @Test
    void theRowLimitCountsAllCellsAndRestartsAtEachRow() throws IOException {
        String row = "xxxxxxxxxx,xxxxxxxxxx"; // 20 characters of values: at the limit
        var ok = rows("a,b\n" + row + "\r\n" + row + "\n\n" + row + "\n", SMALL);
        assertEquals(List.of(1L, 2L, 3L), ok.stream().map(CsvRow::number).toList());
        TooLarge e = assertThrows(TooLarge.class, () -> rows("a,b,c\n" + row + "\n" + row + ",x\n", SMALL));
        assertEquals(2, e.row());
        assertEquals(TooLarge.Cap.ROW, e.cap());
        assertEquals("CSV row 2 is longer than the limit of 20 characters (its cells together)", e.getMessage());
    }

    @Test
    void anOversizedHeaderIsRowZeroAndTheSniffedSeparatorIsFollowed() throws IOException {
        TooLarge e = assertThrows(TooLarge.class, () -> rows("a,bbbbbbbbbbb\n1,2\n", SMALL));
        assertEquals(0, e.row());
        assertTrue(e.getMessage().startsWith("the CSV header"), e.getMessage());
        // with ';' as separator, ',' is part of the cell
        String semi = "a;b\nxxxx,xxxx;1\n";
        try (var r = new CsvRowReader(in(semi + "xxxxx,xxxxx;1\n"), CsvRowReader.Separator.SNIFFED, SMALL)) {
            assertEquals(List.of("a", "b"), r.header());
            assertEquals("xxxx,xxxx", r.next().cells().get(0));
            assertEquals(2, assertThrows(TooLarge.class, r::next).row());
        }
    }

    @Test
    void withoutLimitsNothingIsRefused() throws IOException {
        String big = "x".repeat(100_000);
        List<CsvRow> read = rows("h\n" + big + "\n", CsvLimits.NONE);
        assertEquals(big, read.get(0).cells().get(0));
        assertNull(rows("", CsvLimits.NONE).stream().findFirst().orElse(null));
    }

    /** {@code id,big}, a small row, then a row whose quoted second cell is {@code size} x's; counts bytes read. */
    private static final class OneHugeCell extends InputStream {
        private final byte[] head = "id,big\n1,small\n2,\"".getBytes(StandardCharsets.US_ASCII);
        private final byte[] tail = "\"\n".getBytes(StandardCharsets.US_ASCII);
        private final long size;
        long consumed;

        OneHugeCell(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = head.length + size + tail.length;
            if (consumed >= total) return -1;
            int n = (int) Math.min(len, total - consumed);
            for (int i = 0; i < n; i++) {
                long p = consumed + i;
                b[off + i] = p < head.length ? head[(int) p]
                        : p < head.length + size ? (byte) 'x' : tail[(int) (p - head.length - size)];
            }
            consumed += n;
            return n;
        }
    }
}
