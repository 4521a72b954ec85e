package taskrunner.tasks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A started program and every process it starts; its one job is {@link #kill}, which ends them all.
 *
 * <p>Who belongs: the root process; every process whose parent belongs (found through
 * {@link ProcessHandle#parent()}, so while that parent lives); and, when the root leads a session of its
 * own, every process in that session. {@link #start} gives the root its own session by starting
 * {@code setsid -w -- /abs/program args...} (util-linux {@code setsid} calls setsid(2) and execs the
 * program in place, so no shell is involved and the root's pid is the program's). Without a working
 * {@code setsid} (checked once: absent, no {@code -w}, or not exec'ing in place) the program is started
 * as given and only the parent links are followed.
 *
 * <p>{@link #kill} guarantees: it first takes a snapshot of the members (before any signal, since a
 * child whose parent dies moves to PID 1 and out of the tree), sends SIGTERM to all, and waits up to
 * the grace period for them to be gone (a zombie counts as gone), taking a new snapshot whenever the
 * known ones are gone so that a process forked meanwhile is found too. Whatever is left then gets
 * SIGKILL, with a new snapshot before each of up to {@value #FORCE_ROUNDS} rounds of at most
 * {@link #FORCE_WAIT} each. So it returns within about {@code grace + 3 s}; an interrupt of the
 * calling thread cuts the grace short (SIGKILL at once) and is restored on return. Once it returns
 * with all gone, no member holds the root's stdout or stderr any more, so their readers reach the end
 * of the stream. It may be called from any thread and more than once; concurrent calls run one after
 * the other, and a call after one that left nothing alive returns at once.
 *
 * <p>What it cannot do: a process that left both the tree and the session before a snapshot saw it
 * (a daemon that double-forks and calls setsid(2), or {@code setsid prog} inside the command) is not
 * found; without a working {@code setsid}, neither is a grandchild whose parent died first (e.g.
 * {@code (sleep 9 &)}). A process the server may not signal (another user's) is left alone; one in
 * uninterruptible sleep dies when the kernel lets it; a tree that forks faster than the rounds kill
 * can outlast them. Sessions are read from {@code /proc}, so that part works on Linux only.
 */
final class ProcessTree {
    static final Duration GRACE = Duration.ofSeconds(2);
    static final int FORCE_ROUNDS = 3;
    static final Duration FORCE_WAIT = Duration.ofSeconds(1);
    private static final long POLL_MS = 10;
    /** The setsid prefix, or empty when no working setsid was found. */
    private static final List<String> SETSID = probeSetsid();

    private final Process root;
    private final long session; // the root's pid when it leads its own session, else -1
    private final Duration grace;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: kill sleeps, and virtual threads pin on monitors
    private final Set<ProcessHandle> members = new HashSet<>(); // guarded by lock; dead ones stay
    private boolean ended; // guarded by lock
    private boolean interrupted; // guarded by lock; true when the current kill call was interrupted

    private ProcessTree(Process root, boolean ownSession, Duration grace) {
        this.root = root;
        this.session = ownSession ? root.pid() : -1;
        this.grace = grace;
        members.add(root.toHandle());
    }

    /** Starts {@code pb}'s command, in a session of its own when it can (see the class doc). */
    static ProcessTree start(ProcessBuilder pb) throws IOException {
        return start(pb, GRACE);
    }

    static ProcessTree start(ProcessBuilder pb, Duration grace) throws IOException {
        List<String> argv = pb.command();
        // resolved as the JVM would, so a program that is not found fails to start just as without setsid
        Optional<Path> program = SETSID.isEmpty() || argv.isEmpty() ? Optional.empty() : onPath(argv.get(0));
        if (program.isEmpty()) return new ProcessTree(pb.start(), false, grace);
        var cmd = new ArrayList<>(SETSID);
        cmd.add(program.get().toString());
        cmd.addAll(argv.subList(1, argv.size()));
        Process p;
        try {
            p = pb.command(cmd).start();
        } finally {
            pb.command(argv);
        }
        return new ProcessTree(p, true, grace);
    }

    /** True when started programs get a session of their own (a working setsid was found). */
    static boolean ownSessions() {
        return !SETSID.isEmpty();
    }

    Process process() {
        return root;
    }

    /** Ends the root and every member still alive; see the class doc for what that covers. */
    void kill() {
        lock.lock();
        try {
            if (ended) return;
            // without a session, what outlived a dead root cannot be found; nothing alive, nothing to fork
            if (session > 0 || members.stream().anyMatch(ProcessTree::alive)) snapshot();
            if (members.stream().noneMatch(ProcessTree::alive)) {
                ended = true;
                return;
            }
            signal(false);
            long deadline = System.nanoTime() + grace.toNanos();
            boolean gone;
            while ((gone = awaitGone(deadline)) && snapshot()) signal(false);
            for (int round = 0; !gone && round < FORCE_ROUNDS; round++) {
                snapshot();
                signal(true);
                gone = awaitGone(System.nanoTime() + FORCE_WAIT.toNanos()) && !snapshot();
            }
            ended = gone;
            if (gone) awaitReaped();
        } finally {
            boolean restore = interrupted;
            interrupted = false;
            lock.unlock();
            if (restore) Thread.currentThread().interrupt();
        }
    }

    /** Adds every live process that now belongs; true if one was new. */
    private boolean snapshot() {
        var all = ProcessHandle.allProcesses().toList();
        var parents = new HashMap<ProcessHandle, ProcessHandle>();
        boolean grew = false;
        for (ProcessHandle h : all) {
            if (members.contains(h)) continue;
            if (session > 0 && session(h.pid()) == session) {
                grew |= members.add(h);
            } else {
                h.parent().ifPresent(parent -> parents.put(h, parent));
            }
        }
        for (boolean more = true; more; ) { // a grandchild may come before its parent in the list
            more = false;
            for (var e : parents.entrySet()) {
                if (!members.contains(e.getKey()) && members.contains(e.getValue())) {
                    members.add(e.getKey());
                    more = grew = true;
                }
            }
        }
        return grew;
    }

    private void signal(boolean force) {
        for (ProcessHandle h : members) {
            if (!alive(h)) continue;
            if (force) h.destroyForcibly();
            else h.destroy();
        }
    }

    /** Polls until no member is alive (true), or the deadline passes or the thread is interrupted (false). */
    private boolean awaitGone(long deadline) {
        while (true) {
            if (members.stream().noneMatch(ProcessTree::alive)) return true;
            if (System.nanoTime() - deadline >= 0) return false;
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                interrupted = true;
                return false;
            }
        }
    }

    /**
     * A dead root is a zombie until the JVM's reaper thread collects it; until then
     * {@code Process.isAlive} still says true. Waiting for that briefly keeps the promise that
     * after {@link #kill} the root is not alive, to any caller.
     */
    private void awaitReaped() {
        try {
            root.waitFor(FORCE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
    }

    private static boolean alive(ProcessHandle h) {
        return h.isAlive() && !"Z".equals(stat(h.pid()).map(f -> f[0]).orElse(""));
    }

    /** The session id of a process from /proc, or -1 (gone, or not Linux). */
    private static long session(long pid) {
        return stat(pid).map(f -> Long.parseLong(f[3])).orElse(-1L);
    }

    /** The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ... */
    private static Optional<String[]> stat(long pid) {
        String s;
        try {
            s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        int close = s.lastIndexOf(')'); // the name may hold spaces and parentheses
        if (close < 0) return Optional.empty();
        String[] f = s.substring(close + 1).trim().split(" ");
        return f.length < 4 ? Optional.empty() : Optional.of(f);
    }

    /** Where the JVM finds a program: a name with a slash as is, else the first executable on its PATH. */
    static Optional<Path> onPath(String program) {
        if (program.isEmpty()) return Optional.empty();
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? ":/bin:/usr/bin" : path).split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p.toAbsolutePath());
        }
        return Optional.empty();
    }

    /**
     * The prefix {@code [setsid, -w, --]} if {@code setsid -w -- cat /proc/self/stat} shows cat leading
     * its own session under the pid the JVM started; else empty.
     */
    private static List<String> probeSetsid() {
        Optional<Path> setsid = onPath("setsid");
        Optional<Path> cat = onPath("cat");
        if (setsid.isEmpty() || cat.isEmpty()) return List.of();
        var prefix = List.of(setsid.get().toString(), "-w", "--");
        var cmd = new ArrayList<>(prefix);
        cmd.add(cat.get().toString());
        cmd.add("/proc/self/stat");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String[] f = out.substring(out.lastIndexOf(')') + 1).trim().split(" ");
            boolean leads = p.exitValue() == 0 && out.startsWith(p.pid() + " ") && f.length > 3
                    && f[3].equals(Long.toString(p.pid()));
            return leads ? prefix : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
