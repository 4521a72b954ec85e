package taskrunner.tasks;

import taskrunner.core.RowTaskType;

import java.util.List;
import java.util.Map;

/**
 * Built-in row task types of the {@code examples} category, so the jar does something
 * useful out of the box and stop can be tried: {@code echo} copies each row (any columns),
 * {@code sleep} waits {@code ms} milliseconds on each row.
 */
public final class Examples {
    private Examples() {}

    public static List<RowTaskType> rowTypes() {
        return List.of(
                RowTaskType.input("examples", "echo", "Copy each input row to the output",
                        "Accepts any columns and writes every row unchanged, with an empty `error` column.\n",
                        List.of(), List.of(), List.of("error"), (row, ctx) -> Map.of()),
                RowTaskType.input("examples", "sleep", "Wait on each row",
                        "Waits `ms` milliseconds (0 to 600000) on each row, then copies it. Useful to try stop.\n"
                                + "This task takes the following fields:\n* `ms`: how long to wait on this row.\n",
                        List.of("ms"), List.of(), List.of("error"), (row, ctx) -> {
                            long ms;
                            try {
                                ms = Long.parseLong(row.get("ms").trim());
                            } catch (NumberFormatException e) {
                                throw new RowTaskType.RowFailure("ms is not a whole number");
                            }
                            if (ms < 0 || ms > 600_000) throw new RowTaskType.RowFailure("ms out of range 0..600000");
                            ctx.sleep(java.time.Duration.ofMillis(ms));
                            return Map.of();
                        }),
                RowTaskType.noInput("examples", "count", "Generate numbered rows",
                        "Generates 10 rows with the columns `n` and `square`, one every 100 ms.\n",
                        List.of("n", "square"), (sink, ctx) -> {
                            for (int i = 1; i <= 10; i++) {
                                ctx.sleep(java.time.Duration.ofMillis(100));
                                sink.emit(Map.of("n", String.valueOf(i), "square", String.valueOf(i * i)));
                            }
                        }));
    }
}
