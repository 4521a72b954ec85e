package taskrunner.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A kind of record kept in the {@link Store}: its name in the journal and how its values
 * turn into JSON objects and back. Codecs must be pure: {@code decode(encode(v))} equals
 * {@code v}, so replaying the journal rebuilds exactly what was acknowledged; and safe to call
 * from several threads at once (a store decodes the records it reads at open in parallel, and
 * encodes them for a snapshot on the compaction thread while writes go on).
 */
public record Kind<T>(String name, Codec<T> codec) {

    /** Converts one record value to the JSON object stored in the journal, and back. */
    public interface Codec<T> {
        Map<String, Object> encode(T value);

        T decode(Map<String, Object> json);

        /**
         * The ids of the {@link BlobStore} blobs this record refers to; none by default. The
         * start-time sweep deletes every committed blob no live record names, so a kind whose
         * records hold blob ids must name all of them here.
         */
        default Collection<String> blobs(T value) {
            return List.of();
        }
    }
}
