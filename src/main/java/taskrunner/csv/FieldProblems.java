package taskrunner.csv;

import java.util.List;

/**
 * Column/value problems of a structurally valid CSV, all reported together.
 *
 * <p>Invariant: the lists are unmodifiable and non-null, an empty list means "no such problem",
 * at least one list is non-empty, and {@code missingMandatoryValues} holds at most
 * {@link CsvCheck#MAX_REPORTED_ROWS} entries while {@code missingMandatoryValueRows} counts every
 * offending row.
 *
 * @param unknownFields             header columns outside mandatory ∪ optional, header order
 * @param missingMandatoryFields    mandatory columns absent from the header, mandatory order
 * @param missingMandatoryValues    line text of rows lacking a mandatory value (capped)
 * @param missingMandatoryValueRows total number of rows lacking a mandatory value (uncapped)
 */
public record FieldProblems(
        List<String> unknownFields,
        List<String> missingMandatoryFields,
        List<String> missingMandatoryValues,
        long missingMandatoryValueRows) implements Problem {

    public FieldProblems {
        unknownFields = List.copyOf(unknownFields);
        missingMandatoryFields = List.copyOf(missingMandatoryFields);
        missingMandatoryValues = List.copyOf(missingMandatoryValues);
        if (unknownFields.isEmpty() && missingMandatoryFields.isEmpty()
                && missingMandatoryValueRows == 0) {
            throw new IllegalArgumentException("FieldProblems without any problem");
        }
        if (missingMandatoryValues.size() > missingMandatoryValueRows) {
            throw new IllegalArgumentException("more reported rows than counted");
        }
    }
}
