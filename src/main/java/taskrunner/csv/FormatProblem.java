package taskrunner.csv;

/**
 * The file is not a usable CSV table (empty, header-only, bad header cell, ragged, unparsable,
 * or a cell or row over its {@link CsvLimits}).
 *
 * <p>Invariant: {@code message} is non-null; callers show it to clients verbatim.
 *
 * @param message human-readable reason
 */
public record FormatProblem(String message) implements Problem {

    /** Deliberately one message for every structural failure but size, as clients already match on it. */
    public static final String MESSAGE =
            "Empty CSV or some row(s) longer than others or header missing";

    /** The structural problem this package reports for every malformed file. */
    public static FormatProblem standard() {
        return new FormatProblem(MESSAGE);
    }

    /** A file over a size limit: the message says which row and which limit, as clients need to fix it. */
    public static FormatProblem of(TooLarge e) {
        return new FormatProblem(e.getMessage());
    }
}
