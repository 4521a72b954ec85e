package taskrunner.csv;

/**
 * The file is not a usable CSV table (empty, header-only, bad header cell, ragged, unparsable).
 *
 * <p>Invariant: {@code message} is non-null; callers show it to clients verbatim.
 *
 * @param message human-readable reason
 */
public record FormatProblem(String message) implements Problem {

    /** Deliberately one message for every structural failure, as clients already match on it. */
    public static final String MESSAGE =
            "Empty CSV or some row(s) longer than others or header missing";

    /** The one structural problem this package reports. */
    public static FormatProblem standard() {
        return new FormatProblem(MESSAGE);
    }
}
