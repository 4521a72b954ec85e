package taskrunner.http.multipart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the header block of one part, up to and including the empty line that ends it.
 *
 * <p>Invariant: never consumes more than {@code maxBytes} bytes nor holds more than that in
 * memory; every accepted line was terminated by CRLF and contained a colon after a non-empty name.
 */
final class HeaderBlockReader {
    private HeaderBlockReader() {}

    static PartHeaders read(DelimitedInput in, int maxBytes, int partNumber) throws IOException {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int total = 0;
        while (true) {
            int b = readCounted(in, ++total, maxBytes, partNumber);
            if (b == '\n') {
                throw new MultipartException("header line of part " + partNumber + " not terminated by CRLF");
            }
            if (b != '\r') {
                line.write(b);
                continue;
            }
            int lf = readCounted(in, ++total, maxBytes, partNumber);
            if (lf != '\n') {
                throw new MultipartException("header line of part " + partNumber + " not terminated by CRLF");
            }
            if (line.size() == 0) {
                return new PartHeaders(fields);
            }
            // RFC 7578 lets senders put raw UTF-8 in filename; browsers do.
            addField(fields, line.toString(StandardCharsets.UTF_8), partNumber);
            line.reset();
        }
    }

    private static int readCounted(DelimitedInput in, int count, int maxBytes, int partNumber) throws IOException {
        if (count > maxBytes) {
            throw new MultipartException(
                    "headers of part " + partNumber + " exceed the limit of " + maxBytes + " bytes");
        }
        int b = in.readRawByte();
        if (b < 0) {
            throw new MultipartException("stream ended inside the headers of part " + partNumber);
        }
        return b;
    }

    private static void addField(List<Map.Entry<String, String>> fields, String line, int partNumber)
            throws MultipartException {
        if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
            // Obsolete line folding: a continuation of the previous field's value.
            Map.Entry<String, String> last = fields.remove(fields.size() - 1);
            fields.add(Map.entry(last.getKey(), (last.getValue() + " " + line.trim()).trim()));
            return;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw new MultipartException("header line without colon in part " + partNumber + ": " + abbreviate(line));
        }
        String name = line.substring(0, colon).trim();
        if (name.isEmpty()) {
            throw new MultipartException("header line without name in part " + partNumber + ": " + abbreviate(line));
        }
        fields.add(Map.entry(name, line.substring(colon + 1).trim()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
