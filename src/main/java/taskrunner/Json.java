package taskrunner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.jr.ob.JSON;

/**
 * The one jackson-jr instance every part of the server uses. Its buffers come from one
 * shared pool: jackson's default pool is per thread, and every request here runs on a
 * new virtual thread, so the default allocated fresh 8-16 KB buffers for each request.
 */
public final class Json {
    public static final JSON STD = JSON.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .build()).build();

    private Json() {}
}
