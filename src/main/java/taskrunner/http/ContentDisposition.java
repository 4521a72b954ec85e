package taskrunner.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one way a {@code Content-Disposition} header value is written (RFC 6266): a
 * {@code filename} every client reads, made of printable ASCII only, and for a name that has
 * anything else (a Czech or CJK file name) also {@code filename*=UTF-8''...}, which modern
 * clients prefer. No file name can break the header or the response.
 */
public final class ContentDisposition {
    private ContentDisposition() {}

    public static String attachment(String filename) {
        return of("attachment", filename);
    }

    public static String inline(String filename) {
        return of("inline", filename);
    }

    private static String of(String type, String filename) {
        var ascii = new StringBuilder(filename.length());
        boolean plain = true;
        for (int i = 0; i < filename.length(); i++) {
            char c = filename.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                ascii.append(c);
            } else {
                plain = false;
                if (!Character.isLowSurrogate(c)) ascii.append('_');
            }
        }
        String v = type + "; filename=\"" + ascii + "\"";
        if (plain) return v;
        String encoded = URLEncoder.encode(filename.replaceAll("\\p{Cntrl}", ""), StandardCharsets.UTF_8).replace("+", "%20");
        return v + "; filename*=UTF-8''" + encoded;
    }
}
