package taskrunner;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.*;

class LogLinesTest {
    @Test
    void aMessageWithLineBreaksStaysOneLineAndCannotForgeAnother() {
        var format = new LogLines();
        var r = new LogRecord(Level.WARNING, "request /job/x\r\n2026-12-01T00:00:00Z SEVERE forged: root logged in\u0007");
        r.setLoggerName("taskrunner.http.Router");
        String line = format.format(r);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("WARNING Router: request /job/x\\r\\n2026-12-01T00:00:00Z SEVERE forged: root logged in\\u0007"), line);
    }

    @Test
    void aStackTraceFollowsOnTabbedLines() {
        var format = new LogLines();
        var r = new LogRecord(Level.SEVERE, "failed");
        r.setLoggerName("x");
        r.setThrown(new IllegalStateException("bad\nname"));
        String text = format.format(r);
        String[] lines = text.split("\n");
        assertTrue(lines[0].endsWith("failed [java.lang.IllegalStateException: bad\\nname]"), lines[0]);
        assertTrue(lines.length > 1);
        for (int i = 1; i < lines.length; i++) assertTrue(lines[i].startsWith("\t"), lines[i]);
    }
}
