package taskrunner.csv;

/**
 * Why an input CSV was rejected.
 *
 * <p>Invariant: exactly one of the two shapes; a {@link FormatProblem} means the file could not
 * be trusted structurally and so no field problems are reported alongside it.
 */
public sealed interface Problem permits FormatProblem, FieldProblems {
}
