package taskrunner.ckan;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Python's json.dumps / Flask's jsonify output, byte for byte. */
class CkanPyJsonTest {
    @Test
    void dumpsKeepsOrderWithPythonSeparators() {
        var m = new LinkedHashMap<String, Object>();
        m.put("b", 1);
        m.put("a", List.of(true, false));
        m.put("c", null);
        assertEquals("{\"b\": 1, \"a\": [true, false], \"c\": null}", PyJson.dumps(m));
    }

    @Test
    void jsonifySortsKeysCompactlyWithANewline() {
        var m = new LinkedHashMap<String, Object>();
        m.put("b", Map.of("y", 1));
        m.put("a", "x");
        assertEquals("{\"a\":\"x\",\"b\":{\"y\":1}}\n", PyJson.jsonify(m));
    }

    @Test
    void escapesNonAsciiAndControlCharacters() {
        assertEquals("\"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\\"\\\\ \\u0001\"", PyJson.dumps("café 😀 \n\t\"\\ \u0001"));
    }

    @Test
    void floatsFollowPythonRepr() {
        assertEquals("0.1", PyJson.pyFloat(0.1));
        assertEquals("1.0", PyJson.pyFloat(1.0));
        assertEquals("0.0001", PyJson.pyFloat(0.0001));
        assertEquals("1e-05", PyJson.pyFloat(0.00001));
        assertEquals("1e+16", PyJson.pyFloat(1e16));
        assertEquals("1234567890123456.0", PyJson.pyFloat(1234567890123456.0));
        assertEquals("-2.5e+20", PyJson.pyFloat(-2.5e20));
        assertEquals("-0.0", PyJson.pyFloat(-0.0));
    }

    @Test
    void truthinessAndStrAreThePythonOnes() {
        for (Object falsy : new Object[] {null, false, 0, 0.0, "", List.of(), Map.of()}) assertFalse(PyJson.truthy(falsy));
        for (Object truthy : new Object[] {true, 1, "0", List.of(0), Map.of("a", 0)}) assertTrue(PyJson.truthy(truthy));
        assertEquals("42", PyJson.str(42));
        assertEquals("True", PyJson.str(true));
    }

    @Test
    void reprIsPythonsAsDataPushersTypesLineShowsIt() {
        var field = new LinkedHashMap<String, Object>();
        field.put("id", "temp");
        field.put("type", "numeric");
        field.put("info", new LinkedHashMap<>(Map.of("label", "it's °C")));
        assertEquals("[{'id': 'temp', 'type': 'numeric', 'info': {'label': \"it's °C\"}}]", PyJson.repr(List.of(field)));
        assertEquals("[True, False, None, 1.0, 3, 'a\\'b\"c', 'tab\\there']",
                PyJson.repr(java.util.Arrays.asList(true, false, null, 1.0, 3, "a'b\"c", "tab\there")));
    }
}
