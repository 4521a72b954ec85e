package taskrunner.core;

import java.util.List;
import java.util.Map;

/**
 * A face's own part of a {@link Task}: what the face keeps beside the core's fields (its
 * submission, its results, where a job's commit stands). One immutable record per face;
 * the core stores it and hands it back, never reads it, and journals it through the
 * face's {@link Codec}, which {@link TaskCodec} finds by the task's face name.
 */
public interface FaceState {

    /**
     * Blobs that belong to this state alone: {@link TaskService#delete} deletes them with
     * the task. None by default; a blob that another record takes over (a file entry, a
     * dataset) is not the task's to delete.
     */
    default List<String> blobs() {
        return List.of();
    }

    /**
     * Every blob this state names, its own and those another record takes over (or gave
     * up), so that the sweep at start keeps them: a blob named nowhere is deleted then.
     * Its own {@link #blobs} by default.
     */
    default List<String> referencedBlobs() {
        return blobs();
    }

    /**
     * Turns one face's state into the JSON-compatible object journaled under the task's
     * {@code "x"} key, and back. Must be pure ({@code decode(encode(s))} equals {@code s})
     * and write a null field as an absent key.
     */
    interface Codec<S extends FaceState> {
        /** The state class this codec reads and writes. */
        Class<S> type();

        Map<String, Object> encode(S state);

        S decode(Map<String, Object> json);
    }
}
