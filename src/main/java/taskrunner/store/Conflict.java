package taskrunner.store;

import java.io.IOException;

/**
 * A {@link Store#replace} refused because the record changed since the caller read it: another
 * server sharing the store's database wrote it in between. Nothing was written; memory holds the
 * newer version by the time this is thrown, so the caller may read it and apply its change
 * again. Never thrown by a store on the data directory's journal (one server, whose callers
 * serialize their changes of a record).
 */
public final class Conflict extends IOException {
    public Conflict(String kind, String id) {
        super("the " + kind + " " + id + " was changed by another server meanwhile; try again", null);
    }
}
