package taskrunner.tasks.datapusher;

/**
 * The DataStore types a push gives a column: DataPusher's {@code TYPE_MAPPING} (String → text,
 * Integer and Decimal → numeric, a date → timestamp), which are also the three values of a
 * column's {@code info.type_override} that it honours.
 */
enum FieldType {
    TEXT("text"),
    NUMERIC("numeric"),
    TIMESTAMP("timestamp");

    /** The name CKAN's DataStore knows the type by. */
    final String wire;

    FieldType(String wire) {
        this.wire = wire;
    }

    /** The type named {@code name}, or null if it is none of the three. */
    static FieldType named(Object name) {
        for (FieldType t : values()) if (t.wire.equals(name)) return t;
        return null;
    }
}
