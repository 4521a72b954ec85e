package taskrunner.store;

import java.util.Map;

/** One line of the journal: a put of a whole record value, or a delete (value null). */
record JournalEvent(String kind, String id, Map<String, Object> value) {

    boolean isDelete() {
        return value == null;
    }
}
