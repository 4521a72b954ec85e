package taskrunner.tasks;

import taskrunner.core.RowTaskType;
import taskrunner.core.TaskContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one row through a {@link CommandSpec}: fills the argv template from the row,
 * starts the program without a shell (row values become whole arguments, so quoting
 * tricks cannot inject commands), passes every field also as {@code TASK_<FIELD>}
 * environment variable, and collects exit code and trimmed stdout/stderr (each capped).
 * The program starts in a session of its own where it can; a timeout, a stop, or any other end
 * of the row ends its whole process tree ({@link ProcessTree}), including what it left running in
 * the background after exiting, so no process of a row outlives it and the output pipes close.
 */
final class CommandRunner {
    static final int MAX_CAPTURE = 64 * 1024;
    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    /** The only variables a program gets from the server's environment; the rest it is given. */
    static final java.util.List<String> INHERITED = java.util.List.of("PATH", "LANG");

    private CommandRunner() {}

    static Map<String, String> run(CommandSpec spec, Map<String, String> row, TaskContext ctx)
            throws RowTaskType.RowFailure, InterruptedException, TaskContext.StoppedException {
        var argv = new ArrayList<String>(spec.argv().size());
        for (String a : spec.argv()) argv.add(fill(a, row));
        var pb = new ProcessBuilder(argv);
        var env = pb.environment();
        // A clean environment: the server's own (its admin password, say) is not the program's.
        env.clear();
        for (String keep : INHERITED) {
            String v = System.getenv(keep);
            if (v != null) env.put(keep, v);
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (var e : row.entrySet()) {
            if (e.getValue() != null) env.put("TASK_" + e.getKey().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"), e.getValue());
        }
        for (var e : spec.env().entrySet()) env.put(e.getKey(), fill(e.getValue(), row));
        ProcessTree tree;
        try {
            tree = ProcessTree.start(pb);
        } catch (IOException e) {
            throw new RowTaskType.RowFailure("cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        Process p = tree.process();
        // A stop ends the tree off the stopping thread (the kill has a grace period); waitFor then returns here.
        try (var onStop = ctx.onCancel(() -> Thread.ofVirtual().start(() -> cancel(tree)))) {
            p.getOutputStream().close();
            var out = capture(p.getInputStream());
            var err = capture(p.getErrorStream());
            boolean exited = p.waitFor(spec.timeoutMs(), TimeUnit.MILLISECONDS);
            if (ctx.cancelled()) throw new TaskContext.StoppedException();
            if (!exited) {
                cancel(tree);
                throw new RowTaskType.RowFailure("timed out after " + spec.timeoutMs() + " ms");
            }
            cancel(tree); // what it left running in the background, which may hold the output pipes
            out.join();
            err.join();
            int code = p.exitValue();
            var result = new LinkedHashMap<String, String>();
            result.put("exit_code", String.valueOf(code));
            result.put("stdout", out.text().strip());
            result.put("stderr", err.text().strip());
            if (code != 0) result.put("error", "exit code " + code);
            return result;
        } catch (IOException e) {
            throw new RowTaskType.RowFailure("command failed: " + e.getMessage());
        } finally {
            cancel(tree); // a stop or any failure: nothing of the row outlives it
        }
    }

    /**
     * Cancel now: ends the row's whole process tree and returns once it is gone (see
     * {@link ProcessTree#kill}; up to its grace period and a few seconds more). Safe from any thread
     * and more than once: a stop reaches it through the run's cancel action, and every end of a row
     * through the {@code finally} of {@link #run}.
     */
    static void cancel(ProcessTree tree) {
        tree.kill();
    }

    static String fill(String template, Map<String, String> row) {
        Matcher m = FIELD.matcher(template);
        var sb = new StringBuilder();
        while (m.find()) {
            String v = row.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Drains a stream on its own virtual thread, keeping at most MAX_CAPTURE bytes. */
    private static final class Capture {
        private final Thread thread;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Capture(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (bytes) {
                            int room = MAX_CAPTURE - bytes.size();
                            if (room > 0) bytes.write(buf, 0, Math.min(room, n));
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed; what was read is kept
                }
            });
        }

        void join() throws InterruptedException {
            thread.join(java.time.Duration.ofSeconds(5));
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static Capture capture(InputStream in) {
        return new Capture(in);
    }

    static List<String> outputColumns() {
        return List.of("exit_code", "stdout", "stderr", "error");
    }
}
