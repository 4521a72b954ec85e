package taskrunner.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server in its own JVM ({@code taskrunner.Main}, or {@link HookedMain} for test hooks),
 * so a test can kill it with {@code destroyForcibly} as a crash would, then start another on
 * the same data.
 */
public final class ChildServer implements Endpoint, AutoCloseable {
    public final Process process;
    public final URI uri;
    private final StringBuilder output;
    private final Thread reader;

    private ChildServer(Process process, URI uri, StringBuilder output, Thread reader) {
        this.process = process;
        this.uri = uri;
        this.output = output;
        this.reader = reader;
    }

    /** What a {@code taskrunner.Main} that was expected to end printed, and how it ended. */
    public record Exit(int status, String output) {}

    /**
     * Runs {@code taskrunner.Main} with exactly these flags (no defaults added) until it exits,
     * at most {@code timeout}; for starts that must be refused.
     */
    public static Exit run(java.time.Duration timeout, String... args) throws IOException, InterruptedException {
        var cmd = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), "taskrunner.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("taskrunner.Main did not exit within " + timeout + ": " + out.getNow(""));
        }
        return new Exit(p.exitValue(), out.join());
    }

    /** Everything the server printed so far (stdout and stderr). */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /**
     * Stops the server as an operator or systemd does: SIGTERM, then waits for it to exit and
     * for its last output; returns its exit status. The signal goes through the
     * {@link ProcessHandle}: {@link Process#destroy()} sends the same SIGTERM but also closes our
     * end of the child's output, so what it prints while stopping would be lost.
     */
    public int terminate() throws InterruptedException {
        if (!process.toHandle().destroy()) throw new AssertionError("SIGTERM could not be sent");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("server did not stop within 30 s of SIGTERM: " + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    public static ChildServer start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        return start(dataDir, List.of(), extraArgs);
    }

    public static ChildServer start(Path dataDir, List<String> jvmArgs, String... extraArgs) throws IOException, InterruptedException {
        return launch(dataDir, jvmArgs, List.of("-cp", classpath(), "taskrunner.Main"), extraArgs);
    }

    /** Runs the packaged {@code jar} ({@code java -jar}), as an operator does; for benchmarks of the shipped build. */
    public static ChildServer startJar(Path jar, Path dataDir, List<String> jvmArgs, String... extraArgs)
            throws IOException, InterruptedException {
        if (!java.nio.file.Files.isRegularFile(jar)) throw new IOException("no " + jar + ": ./build.sh package makes it");
        return launch(dataDir, jvmArgs, List.of("-jar", jar.toString()), extraArgs);
    }

    /** Runs {@link HookedMain}: its hook flags (such as {@link HookedMain#HALT_AFTER_SWITCH}) may be among the args. */
    public static ChildServer startHooked(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        return launch(dataDir, List.of(), List.of("-cp", classpath(), HookedMain.class.getName()), extraArgs);
    }

    /** {@code java jvmArgs program --port 0 --data dataDir [--admin-password ...] extraArgs}; program: -cp with a main, or -jar. */
    private static ChildServer launch(Path dataDir, List<String> jvmArgs, List<String> program, String... extraArgs)
            throws IOException, InterruptedException {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(program);
        cmd.addAll(List.of("--port", "0", "--data", dataDir.toString()));
        var extra = List.of(extraArgs);
        if (!extra.contains("--admin-password") && !extra.contains("--reset-admin-password")) {
            cmd.addAll(List.of("--admin-password", ServerFixture.ADMIN_PASSWORD));
        }
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var found = new CompletableFuture<URI>();
        var log = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().name("child-server-output").start(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    int at = line.indexOf("listening on ");
                    if (at >= 0) found.complete(URI.create(line.substring(at + "listening on ".length()).trim()));
                }
            } catch (IOException ignored) {
                // the process died; the wait below reports it
            }
            found.complete(null);
        });
        URI uri;
        try {
            uri = found.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("server did not start: " + log, e);
        }
        if (uri == null) throw new IOException("server exited: " + log);
        return new ChildServer(p, uri, log, reader);
    }

    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    @Override
    public java.net.http.HttpRequest.Builder request(String pathAndQuery) {
        return java.net.http.HttpRequest.newBuilder(uri.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery));
    }

    @Override
    public java.net.http.HttpResponse<String> send(java.net.http.HttpRequest.Builder req) throws IOException, InterruptedException {
        return http.send(req.timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Kills the JVM at once, as a crash or power loss of the process would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** target/classes plus the runtime libraries, whatever way the test JVM was started. */
    public static String classpath() {
        var parts = new LinkedHashSet<String>();
        // surefire's java.class.path may be a manifest-only jar; its Class-Path still works for a child JVM
        parts.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> c : new Class<?>[] {taskrunner.TaskServer.class, com.fasterxml.jackson.jr.ob.JSON.class,
                org.apache.commons.csv.CSVFormat.class, com.fasterxml.jackson.core.JsonFactory.class}) {
            try {
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
