package taskrunner.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowFieldsTest {
    private static final RowFields FIELDS = new RowFields(List.of("account_id", "e164"), List.of("note"), false);

    private static Map<String, String> row(String... kv) {
        var m = new LinkedHashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void aMandatoryFieldWithoutAValueIsMissingInMandatoryOrder() {
        assertEquals(List.of(), FIELDS.missing(row("e164", "+1", "account_id", "a")));
        assertEquals(List.of(), FIELDS.missing(row("e164", "", "account_id", "a")), "an empty string is a value");
        assertEquals(List.of("e164"), FIELDS.missing(row("account_id", "a", "e164", null)));
        assertEquals(List.of("account_id", "e164"), FIELDS.missing(row("e164", null)), "no key: no value");
        var nulls = new HashMap<String, Object>();
        nulls.put("account_id", 1);
        assertEquals(List.of("e164"), FIELDS.missing(nulls));
    }

    @Test
    void unknownColumnsKeepTheirOrderUnlessAnyColumnsAreAccepted() {
        assertEquals(List.of("zzz", "aaa"), FIELDS.unknown(List.of("zzz", "e164", "note", "aaa")));
        assertEquals(List.of(), new RowFields(List.of("e164"), List.of(), true).unknown(List.of("zzz")));
        assertEquals(List.of("account_id"), FIELDS.absent(List.of("e164", "zzz")));
    }

    @Test
    void byPositionEveryCellOfAMandatoryColumnNeedsAValue() {
        var h = FIELDS.header(List.of("e164", "note", "account_id", "e164"));
        assertFalse(h.lacksValue(List.of("+1", "", "a", "+1")));
        assertFalse(h.lacksValue(Arrays.asList("+1", null, "a", "")), "optional may be missing; \"\" is a value");
        assertTrue(h.lacksValue(Arrays.asList("+1", "n", null, "+1")));
        assertTrue(h.lacksValue(Arrays.asList(null, "n", "a", "+1")), "a duplicated column is checked everywhere");
        assertTrue(h.lacksValue(List.of("+1", "n")), "past the end of a short row");
        assertEquals(List.of(), h.absent());
        assertEquals(List.of(), h.unknown());
    }

    @Test
    void byPositionAFieldTheHeaderLacksIsTheHeadersProblemNotTheRows() {
        var h = FIELDS.header(List.of("e164", "x"));
        assertFalse(h.lacksValue(List.of("+1", "y")));
        assertEquals(List.of("account_id"), h.absent());
        assertEquals(List.of("x"), h.unknown());
    }
}
