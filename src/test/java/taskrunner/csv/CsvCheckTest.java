package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvCheckTest {

    private static final List<String> MANDATORY = List.of("account_id", "e164");
    private static final List<String> OPTIONAL = List.of("cnam.outbound");

    private static CsvCheckResult check(String csv, boolean acceptsAny) {
        return CsvCheck.check(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                MANDATORY, OPTIONAL, acceptsAny, CsvLimits.NONE);
    }

    private static CsvCheckResult check(String csv) {
        return check(csv, false);
    }

    private static void assertFormatProblem(CsvCheckResult r) {
        FormatProblem p = assertInstanceOf(FormatProblem.class, r.problem().orElseThrow());
        assertEquals("Empty CSV or some row(s) longer than others or header missing", p.message());
    }

    private static FieldProblems fieldProblems(CsvCheckResult r) {
        return assertInstanceOf(FieldProblems.class, r.problem().orElseThrow());
    }

    @Test
    void validFilePasses() {
        CsvCheckResult r = check("account_id,e164,cnam.outbound\nx,+1,\ny,+2,me\n");
        assertEquals(Optional.empty(), r.problem());
        assertEquals(2, r.rowCount());
        assertEquals(List.of("account_id", "e164", "cnam.outbound"), r.header());
    }

    @Test
    void emptyInputIsFormatProblem() {
        assertFormatProblem(check(""));
        assertFormatProblem(check("\n\n"));
    }

    @Test
    void headerOnlyIsFormatProblem() {
        assertFormatProblem(check("account_id,e164\n"));
    }

    @Test
    void emptyHeaderCellIsFormatProblem() {
        assertFormatProblem(check("account_id,,e164\nx,y,z\n"));
        assertFormatProblem(check("account_id,\"\",e164\nx,y,z\n"));
    }

    @Test
    void raggedRowsAreFormatProblem() {
        assertFormatProblem(check("account_id,e164\nx,+1\ny,+2,extra\n"));
        assertFormatProblem(check("account_id,e164\nx,+1\ny\n"));
    }

    @Test
    void parseErrorIsFormatProblem() {
        assertFormatProblem(check("account_id,e164\nx,\"+1\n"));
        assertFormatProblem(check("account_id,e164\nx,\"+1\"junk\n"));
    }

    @Test
    void formatProblemWinsOverFieldProblems() {
        assertFormatProblem(check("bogus,e164\n,+1\n,+2,3\n"));
    }

    @Test
    void unknownAndMissingFieldsReportedTogether() {
        FieldProblems p = fieldProblems(check("zzz,e164,aaa\n1,+1,2\n"));
        assertEquals(List.of("zzz", "aaa"), p.unknownFields());
        assertEquals(List.of("account_id"), p.missingMandatoryFields());
        assertEquals(List.of(), p.missingMandatoryValues());
    }

    @Test
    void acceptsAnyColumnsSuppressesUnknownFields() {
        assertEquals(Optional.empty(), check("account_id,e164,whatever\nx,+1,\n", true).problem());
        FieldProblems p = fieldProblems(check("e164,whatever\n+1,\n", true));
        assertEquals(List.of(), p.unknownFields());
        assertEquals(List.of("account_id"), p.missingMandatoryFields());
    }

    @Test
    void missingMandatoryValuesRenderedAsLineText() {
        String csv = "account_id,e164\n"
                + ",+14157215234\n"
                + "009afc511c97b2ae693c6cc4920988e8,\n"
                + "ok,\"\"\n"           // quoted empty = present
                + "ok,+1\n";
        FieldProblems p = fieldProblems(check(csv));
        assertEquals(List.of(",+14157215234", "009afc511c97b2ae693c6cc4920988e8,"),
                p.missingMandatoryValues());
        assertEquals(2, p.missingMandatoryValueRows());
        assertEquals(List.of(), p.unknownFields());
        assertEquals(List.of(), p.missingMandatoryFields());
    }

    @Test
    void missingValuesInOptionalColumnsAreFine() {
        assertEquals(Optional.empty(),
                check("account_id,e164,cnam.outbound\nx,+1,\n").problem());
    }

    @Test
    void missingMandatoryValuesCappedButCounted() {
        StringBuilder sb = new StringBuilder("account_id,e164\n");
        for (int i = 0; i < 250; i++) {
            sb.append(",+").append(i).append('\n');
        }
        CsvCheckResult r = check(sb.toString());
        FieldProblems p = fieldProblems(r);
        assertEquals(CsvCheck.MAX_REPORTED_ROWS, p.missingMandatoryValues().size());
        assertEquals(",+0", p.missingMandatoryValues().get(0));
        assertEquals(",+99", p.missingMandatoryValues().get(99));
        assertEquals(250, p.missingMandatoryValueRows());
        assertEquals(250, r.rowCount());
    }

    @Test
    void streamingCheckOfGeneratedFile() {
        CsvCheckResult r = CsvCheck.check(new GeneratedCsvInputStream(200_000),
                List.of("id", "extra"), List.of("name"), false, CsvLimits.NONE);
        FieldProblems p = fieldProblems(r);
        assertEquals(200_000, r.rowCount());
        assertEquals(200, p.missingMandatoryValueRows());
        assertEquals("1000,name 1000,", p.missingMandatoryValues().get(0));
        assertTrue(p.unknownFields().isEmpty());
    }
}
