package taskrunner.entryscape.rowstore;

import java.util.List;

/**
 * A dataset version written to a committed blob but not yet switched in.
 *
 * @param rowsAdded rows that came from the new sources (not copied from the base)
 */
public record Built(String blob, List<String> columns, long rowCount, long rowsAdded) {}
