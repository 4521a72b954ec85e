package taskrunner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.jr.ob.JSON;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one jackson-jr instance every part of the server uses, and the way to write JSON.
 *
 * <p>Why: jackson keeps its 8-16 KB parse and write buffers per thread by default, and
 * every request here runs on a new virtual thread, so each request allocated fresh
 * buffers. This instance shares one pool across threads. jackson-jr's {@code asString}
 * and {@code asBytes} never hand their buffers back to a pool, while {@code write} to a
 * stream does, so {@link #bytes} and {@link #string} are the ones to use (measured: about
 * 37 KB of garbage per request down to about 2 KB).
 */
public final class Json {
    public static final JSON STD = JSON.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .build()).build();

    private Json() {}

    /** UTF-8 JSON of a value (Map, List, String, Number, Boolean or null). */
    public static byte[] bytes(Object value) {
        var out = new ByteArrayOutputStream(256);
        try {
            STD.write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String string(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }
}
