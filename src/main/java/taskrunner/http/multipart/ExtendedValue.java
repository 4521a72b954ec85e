package taskrunner.http.multipart;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Decoder for RFC 5987 extended parameter values ({@code charset'language'pct-encoded}).
 *
 * <p>Invariant: yields a value only for a well-formed UTF-8 or ISO-8859-1 encoding; anything else
 * is empty so the caller falls back to the plain parameter instead of showing mojibake.
 */
final class ExtendedValue {
    private ExtendedValue() {}

    static Optional<String> decode(String raw) {
        int q1 = raw.indexOf('\'');
        int q2 = q1 < 0 ? -1 : raw.indexOf('\'', q1 + 1);
        if (q2 < 0) {
            return Optional.empty();
        }
        Charset charset = switch (raw.substring(0, q1).trim().toUpperCase(Locale.ROOT)) {
            case "UTF-8" -> StandardCharsets.UTF_8;
            case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> null;
        };
        if (charset == null) {
            return Optional.empty();
        }
        String encoded = raw.substring(q2 + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
