package taskrunner.core;

import java.util.List;
import java.util.Map;

/**
 * A task of the Kazoo shape: either it maps each row of an input CSV to an output row (an
 * <em>input</em> task, {@code handler} set), or it generates rows from nothing (a
 * <em>no-input</em> task, {@code generator} set).
 *
 * <p>The output of an input task has the input's columns followed by
 * {@code outputColumns}; a failed row carries its reason in the column {@code error}. A
 * type that declares no fields at all accepts any columns; one that declares some rejects
 * columns outside {@code mandatory ∪ optional}.
 */
public record RowTaskType(
        String category,
        String action,
        String description,
        String doc,
        List<String> mandatory,
        List<String> optional,
        List<String> outputColumns,
        RowHandler handler,
        RowGenerator generator) {

    public RowTaskType {
        if ((handler == null) == (generator == null)) {
            throw new IllegalArgumentException(category + "/" + action + ": exactly one of handler and generator");
        }
        mandatory = List.copyOf(mandatory);
        optional = List.copyOf(optional);
        outputColumns = List.copyOf(outputColumns);
        if (handler != null && !outputColumns.contains("error")) {
            throw new IllegalArgumentException(category + "/" + action + ": an input task's output needs an error column");
        }
    }

    /** An input task: each CSV row goes through {@code handler}. */
    public static RowTaskType input(String category, String action, String description, String doc,
                                    List<String> mandatory, List<String> optional,
                                    List<String> outputColumns, RowHandler handler) {
        return new RowTaskType(category, action, description, doc, mandatory, optional, outputColumns, handler, null);
    }

    /** A no-input task: {@code generator} emits rows with the columns {@code header}. */
    public static RowTaskType noInput(String category, String action, String description, String doc,
                                      List<String> header, RowGenerator generator) {
        return new RowTaskType(category, action, description, doc, List.of(), List.of(), header, null, generator);
    }

    public String key() {
        return category + "/" + action;
    }

    public boolean expectsInput() {
        return handler != null;
    }

    public boolean acceptsAnyColumns() {
        return mandatory.isEmpty() && optional.isEmpty();
    }

    /**
     * Maps one input row to the values of the output columns (those not given stay empty).
     * Throw {@link RowFailure} for a row that failed; any other exception is a crash of the
     * task code and ends the task.
     *
     * <p>Threading: called on the task's own virtual thread, one row at a time.
     */
    @FunctionalInterface
    public interface RowHandler {
        Map<String, String> apply(Map<String, String> row, TaskContext ctx) throws Exception;
    }

    /** Emits the rows of a no-input task; called once, on the task's own thread. */
    @FunctionalInterface
    public interface RowGenerator {
        void generate(RowSink sink, TaskContext ctx) throws Exception;
    }

    /** Receives generated rows (values by column name). */
    @FunctionalInterface
    public interface RowSink {
        void emit(Map<String, String> row) throws Exception;
    }

    /** A row that failed for a reason worth writing into its output row. */
    public static class RowFailure extends Exception {
        private final transient Map<String, String> output;

        public RowFailure(String reason) {
            this(reason, Map.of());
        }

        /** A failure that still fills other output columns (e.g. a command's exit code). */
        public RowFailure(String reason, Map<String, String> output) {
            super(reason, null, false, false);
            this.output = Map.copyOf(output);
        }

        public Map<String, String> output() {
            return output;
        }
    }
}
