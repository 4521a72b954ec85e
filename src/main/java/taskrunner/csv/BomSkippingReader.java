package taskrunner.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Opens a character stream, UTF-8 unless told otherwise, decoded strictly and with a leading
 * byte order mark removed.
 *
 * <p>Invariant: the returned reader never yields U+FEFF as its first character, and otherwise
 * yields exactly the decoded input; nothing beyond the first character is buffered here.
 */
final class BomSkippingReader {

    private BomSkippingReader() {
    }

    static Reader open(InputStream in) throws IOException {
        return open(in, StandardCharsets.UTF_8);
    }

    static Reader open(InputStream in, Charset charset) throws IOException {
        // REPORT instead of the default REPLACE: silently turning bad bytes into U+FFFD would
        // make an uploaded Latin-1 file "valid" and corrupt every accented name in it.
        var decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        PushbackReader reader = new PushbackReader(new InputStreamReader(in, decoder), 1);
        int first = reader.read();
        if (first != -1 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }
}
