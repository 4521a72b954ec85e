package taskrunner.http.multipart;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed header value of the form {@code value *( ";" name "=" (token | quoted-string) )}, as used
 * by Content-Type and Content-Disposition.
 *
 * <p>Invariant: {@code value} and parameter names are lower-cased and trimmed; parameter values are
 * unquoted and unescaped; when a parameter repeats, the first occurrence wins.
 */
record HeaderValue(String value, Map<String, String> params) {

    HeaderValue {
        params = Collections.unmodifiableMap(params);
    }

    String param(String name) {
        return params.get(name);
    }

    static HeaderValue parse(String header) throws MultipartException {
        int n = header.length();
        int i = header.indexOf(';');
        if (i < 0) {
            i = n;
        }
        String value = header.substring(0, i).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ';' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                i++;
            }
            String name = header.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || header.charAt(i) == ';') {
                // A bare flag parameter carries nothing form-data needs; tolerate rather than reject.
                continue;
            }
            i++; // '='
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            String paramValue;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = header.charAt(i++);
                    if (q == '"') {
                        closed = true;
                        break;
                    }
                    // Only \" and \\ are treated as escapes: old browsers send raw Windows paths
                    // (C:\dir\file) in filename, which full RFC 822 unescaping would mangle.
                    if (q == '\\' && i < n && (header.charAt(i) == '"' || header.charAt(i) == '\\')) {
                        q = header.charAt(i++);
                    }
                    sb.append(q);
                }
                if (!closed) {
                    throw new MultipartException("unterminated quoted string in header value: " + header);
                }
                paramValue = sb.toString();
            } else {
                int valueStart = i;
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
                paramValue = header.substring(valueStart, i).trim();
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, paramValue);
            }
        }
        return new HeaderValue(value, params);
    }
}
