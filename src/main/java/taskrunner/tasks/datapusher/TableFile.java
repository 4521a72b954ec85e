package taskrunner.tasks.datapusher;

import taskrunner.core.JobTaskType.JobError;
import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRowReader;
import taskrunner.store.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * What a push reads its downloaded file as: delimited text (CSV, TSV, semicolons, pipes; the
 * separator sniffed by {@link CsvRowReader.Separator#COMMON}), in UTF-8 with or without a byte
 * order mark, or else windows-1252, which the push falls back to when the file is not UTF-8.
 * Spreadsheets (XLS, XLSX, ODS) and HTML pages are refused with a job error that names them:
 * reading spreadsheets would need a library (Apache POI) many times the size of this server,
 * and a page is what a resource URL that points at a landing page gives.
 */
final class TableFile {
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final int HEAD = 8;

    private TableFile() {}

    /**
     * @param format the resource's {@code format} in CKAN (may be null)
     * @throws JobError naming the format when the file is one a push cannot read
     */
    static void refuseUnreadable(BlobStore blobs, Downloaded file, Object format) throws JobError, IOException {
        byte[] head;
        try (InputStream in = blobs.open(file.blob())) {
            head = in.readNBytes(HEAD);
        }
        String declared = (file.contentType() + " " + (format == null ? "" : format)).toLowerCase(Locale.ROOT);
        String kind = null;
        if (startsWith(head, 0x50, 0x4B, 0x03, 0x04)) { // a zip: the OOXML and OpenDocument containers
            kind = declared.contains("ods") || declared.contains("opendocument") ? "ODS" : "XLSX";
        } else if (startsWith(head, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) { // OLE2: Excel 97-2003
            kind = "XLS";
        } else if (file.contentType().toLowerCase(Locale.ROOT).matches("text/html|application/xhtml\\+xml")) {
            kind = "HTML";
        }
        if (kind != null) {
            throw new JobError(kind + " files cannot be pushed by this DataPusher, only CSV and TSV text: save the data as CSV,"
                    + " or leave " + kind + " out of ckan.datapusher.formats.");
        }
    }

    /** The file's rows, read as text in {@code charset}. */
    static CsvRowReader open(BlobStore blobs, Downloaded file, Charset charset, CsvLimits limits) throws IOException {
        InputStream in = blobs.open(file.blob());
        try {
            return new CsvRowReader(in, CsvRowReader.Separator.COMMON, charset, limits);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((head[i] & 0xFF) != magic[i]) return false;
        return true;
    }
}
