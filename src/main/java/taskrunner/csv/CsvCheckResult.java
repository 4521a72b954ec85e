package taskrunner.csv;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of one {@link CsvCheck} pass.
 *
 * <p>Invariant: {@code header} is as read (possibly empty); {@code rowCount} is the number of data
 * rows successfully parsed — the whole file when there is no {@link FormatProblem}, otherwise the
 * rows read before the pass stopped; an empty {@code problem} means the file is acceptable.
 *
 * @param rowCount data rows (header excluded)
 * @param header   header cells
 * @param problem  the highest-precedence problem, if any
 */
public record CsvCheckResult(long rowCount, List<String> header, Optional<Problem> problem) {

    public CsvCheckResult {
        // The header list may contain nulls (empty header cell), which List.copyOf rejects.
        header = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(header));
    }

    public boolean ok() {
        return problem.isEmpty();
    }
}
