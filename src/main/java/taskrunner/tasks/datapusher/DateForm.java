package taskrunner.tasks.datapusher;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * The ways of writing a date that make a column a timestamp, tried in this order; a guessed
 * column keeps the first form that reads every value of its sample, so a column of "03/04/2021"
 * is read one way throughout (month first, as python-dateutil, unless a day over 12 shows it is
 * day first). Far fewer than python-dateutil reads, on purpose: a column that is not plainly a
 * date stays text rather than ending in a failed load. Every form is read strictly (no 31
 * April), and every value is sent as Python's {@code isoformat()} writes it.
 */
enum DateForm {
    /** 2011-01-02, 2011-01-02T10:20, 2011-01-02 10:20:30.5 */
    ISO(null),
    /** 2011/01/02 */
    YEAR_SLASH("uuuu/M/d"),
    /** 02.01.2011 */
    DAY_DOT("d.M.uuuu"),
    /** 01/02/2011: month first */
    MONTH_SLASH("M/d/uuuu"),
    /** 02/01/2011: day first */
    DAY_SLASH("d/M/uuuu"),
    /** 2 Jan 2011 */
    DAY_MONTH_NAME("d MMM uuuu");

    private static final DateTimeFormatter ISO_OUT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern(".SSSSSS");

    private final DateTimeFormatter format;

    DateForm(String pattern) {
        this.format = pattern == null ? null : new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                .toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
    }

    /** {@code v} (trimmed) read in this form, or null if it is not written so. */
    LocalDateTime read(String v) {
        // every form starts with a digit: text columns are turned away without an exception
        if (v.length() < 6 || v.length() > 40 || v.charAt(0) < '0' || v.charAt(0) > '9') return null;
        try {
            if (format != null) return LocalDate.parse(v, format).atStartOfDay();
            if (v.length() == 10) return LocalDate.parse(v, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay();
            if (v.length() > 10 && v.charAt(10) == ' ') v = v.substring(0, 10) + 'T' + v.substring(11);
            return LocalDateTime.parse(v, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The first form that reads {@code v}, or null. */
    static DateForm any(String v) {
        for (DateForm f : values()) if (f.read(v) != null) return f;
        return null;
    }

    /** Python's {@code datetime.isoformat()}: seconds always, microseconds when not zero. */
    static String isoformat(LocalDateTime t) {
        String s = ISO_OUT.format(t);
        return t.getNano() / 1000 == 0 ? s : s + MICROS.format(t);
    }
}
