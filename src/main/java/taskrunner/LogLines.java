package taskrunner;

import taskrunner.util.CurrentRequest;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The jar's log format: one line per event on stderr, {@code <UTC time> <LEVEL> <logger>:
 * <message>[ request=<id>]}, with every control character of the message escaped ({@code \n}, {@code \r},
 * {@code \t}, {@code \\uXXXX}), so nothing a client sends (a path, an id, a name) can split a
 * line or forge one. A line written while the thread answers a request ends with that
 * request's id ({@link CurrentRequest}; the {@code X-Request-ID} of its answer). A stack
 * trace follows on lines starting with a tab, which no message line can. Installed by
 * {@link Main} (and by the bench, so its in-process servers log as the jar does), as the root
 * logger's only handler; an embedder's logging is its own.
 */
public final class LogLines extends Formatter {
    LogLines() {}

    /** Replaces the root logger's handlers with one stderr handler in this format. */
    public static void install() {
        install(new ConsoleHandler());
    }

    /**
     * The same, with the lines written to {@code out}, each flushed as stderr's are (the bench:
     * its in-process servers' lines cost what the jar's do, without filling its own output).
     */
    public static void installTo(java.io.OutputStream out) {
        install(new java.util.logging.StreamHandler(out, new LogLines()) {
            @Override
            public synchronized void publish(LogRecord r) {
                super.publish(r);
                flush();
            }
        });
    }

    private static void install(Handler handler) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        handler.setFormatter(new LogLines());
        root.addHandler(handler);
    }

    @Override
    public String format(LogRecord r) {
        var sb = new StringBuilder(128);
        sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ')
                .append(shortName(r.getLoggerName())).append(": ").append(escape(formatMessage(r)));
        String request = CurrentRequest.id(); // formatted on the thread that logs: a handler of ours never queues
        if (request != null) sb.append(" request=").append(request);
        Throwable t = r.getThrown();
        if (t != null) sb.append(" [").append(escape(t.toString())).append(']');
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (depth > 0) sb.append("\n\tcaused by ").append(escape(t.toString()));
            for (StackTraceElement e : t.getStackTrace()) sb.append("\n\tat ").append(escape(e.toString()));
        }
        return sb.append('\n').toString();
    }

    private static String shortName(String logger) {
        return logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    }

    static String escape(String s) {
        if (s == null) return "";
        var sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
