package taskrunner.store;

import java.util.Map;

/**
 * One line of the journal: a put of a whole record value, or a delete (value null).
 * {@code decoded} is the record the value was encoded from, when the writer has it, so
 * applying a fresh write does not decode what was just encoded.
 */
public record JournalEvent(String kind, String id, Map<String, Object> value, Object decoded) {

    public JournalEvent(String kind, String id, Map<String, Object> value) {
        this(kind, id, value, null);
    }

    public boolean isDelete() {
        return value == null;
    }
}
