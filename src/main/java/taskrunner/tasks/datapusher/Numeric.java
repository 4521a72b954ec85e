package taskrunner.tasks.datapusher;

import java.math.BigInteger;

/**
 * Which cell values count as numbers, and how they are sent. Guessing is strict: an optional
 * sign, digits without a leading zero (so identifiers such as zip codes "02134" stay text),
 * an optional fraction and exponent; no thousands separators, no NaN or infinity. A column the
 * user set to numeric ({@code type_override}) takes whatever PostgreSQL's {@code numeric}
 * reads: leading zeros, "5." and ".5" too. Values are trimmed first.
 *
 * <p>As DataPusher: whole numbers go to CKAN as JSON numbers, others as their text (it sent
 * Python {@code Decimal}s as strings), which the DataStore casts without loss.
 */
final class Numeric {
    private Numeric() {}

    /** A number as a guess takes it. */
    static boolean strict(String v) {
        return scan(v, true) >= 0;
    }

    /** A number as PostgreSQL's numeric reads it. */
    static boolean loose(String v) {
        return scan(v, false) >= 0;
    }

    /** The value to send for a number (one that {@link #loose} accepts). */
    static Object json(String v) {
        if (scan(v, false) != WHOLE) return v;
        String digits = v.charAt(0) == '+' ? v.substring(1) : v;
        return digits.length() <= 18 ? (Object) Long.parseLong(digits) : new BigInteger(digits);
    }

    private static final int WHOLE = 0;
    private static final int FRACTIONAL = 1;

    /** WHOLE, FRACTIONAL, or -1 if {@code v} is no number under the rule. */
    private static int scan(String v, boolean strict) {
        int n = v.length();
        int i = 0;
        if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) i++;
        int intStart = i;
        while (i < n && isDigit(v.charAt(i))) i++;
        int intDigits = i - intStart;
        if (strict && intDigits > 1 && v.charAt(intStart) == '0') return -1;
        int kind = WHOLE;
        int fracDigits = 0;
        if (i < n && v.charAt(i) == '.') {
            kind = FRACTIONAL;
            i++;
            int fracStart = i;
            while (i < n && isDigit(v.charAt(i))) i++;
            fracDigits = i - fracStart;
            if (strict && (intDigits == 0 || fracDigits == 0)) return -1;
        }
        if (intDigits + fracDigits == 0) return -1;
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            kind = FRACTIONAL;
            i++;
            if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) i++;
            int expStart = i;
            while (i < n && isDigit(v.charAt(i))) i++;
            if (i == expStart) return -1;
        }
        return i == n ? kind : -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
