package taskrunner;

import com.sun.net.httpserver.HttpServer;
import taskrunner.auth.Account;
import taskrunner.auth.Identity;
import taskrunner.auth.LoginThrottle;
import taskrunner.auth.Principal;
import taskrunner.auth.Token;
import taskrunner.auth.User;
import taskrunner.ckan.CkanFace;
import taskrunner.core.Busy;
import taskrunner.core.FaceState;
import taskrunner.core.JobTaskType;
import taskrunner.core.Lifecycle;
import taskrunner.core.Registry;
import taskrunner.core.RowTaskType;
import taskrunner.core.Runner;
import taskrunner.core.Task;
import taskrunner.core.TaskCodec;
import taskrunner.core.TaskService;
import taskrunner.entryscape.EntryScapeFace;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.kazoo.KazooFace;
import taskrunner.store.Backup;
import taskrunner.store.BlobStore;
import taskrunner.store.DataDirLock;
import taskrunner.store.Journal;
import taskrunner.store.Kind;
import taskrunner.store.OwnerOnly;
import taskrunner.store.StorageFull;
import taskrunner.store.Store;
import taskrunner.tasks.Examples;
import taskrunner.tasks.JobExamples;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embeddable server: one port, one data directory, the three faces over one core.
 *
 * <pre>
 *   try (TaskServer s = TaskServer.builder().port(0).dataDir(dir).rowTask(myType).build().start()) {
 *       URI base = s.uri();
 *   }
 * </pre>
 * {@link #start()} binds the port before it writes anything, then locks the data directory
 * (one server per directory), and returns once the port is listening and tasks left queued
 * or running by the previous process have been recovered; a start the operator can fix
 * throws a {@link StartFailure} with a one-line message; {@link #close()} stops accepting, interrupts
 * running tasks without marking them stopped (the next start resumes them) and closes the
 * journal.
 *
 * <p>The header limits of {@link Config} are enforced by the {@link Router}. The JDK server's
 * own settings ({@code sun.net.httpserver.*}: TCP_NODELAY, its header limits, the request
 * time limit) are system properties it reads once; this class never sets them, {@link Main}
 * does before the first server starts.
 */
public final class TaskServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskServer.class.getName());

    private final Config config;
    private final Registry registry;
    private final List<Face> faces;
    private final Clock clock;
    private final Hooks hooks;
    private DataDirLock lock;
    private Store store;
    private Runner runner;
    private HttpServer http;
    private ExecutorService executor;
    private Services services;
    private final boolean resetAdminPassword;
    private Identity.Bootstrap bootstrap;
    private AdminPasswordChange adminPasswordChange;
    private URI uri;

    private TaskServer(Builder b) {
        this.config = b.config();
        this.registry = b.registry;
        this.faces = List.copyOf(b.faces);
        this.clock = b.clock;
        this.hooks = b.hooks;
        this.resetAdminPassword = b.resetAdminPassword;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A start refused for a reason the operator can fix (a busy port, a data directory in use
     * or unreadable, a bad tasks file); its message is one line written for them, naming the
     * flag or file to change. Nothing was written before a busy port or a bad address was
     * found.
     */
    public static class StartFailure extends IOException {
        public StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The port is taken by another process. */
    public static final class PortInUse extends StartFailure {
        PortInUse(String bind, int port, Throwable cause) {
            super("port " + port + " is in use on " + bind + "; try --port N", cause);
        }
    }

    /** Another server (in this or another process) holds the data directory's lock. */
    public static final class DataDirInUse extends StartFailure {
        DataDirInUse(Path dir, String holder, Throwable cause) {
            super("data directory " + dir + " is in use by another server (" + holder + "); stop it or use --data DIR", cause);
        }
    }

    /**
     * Binds the port, then (only then) creates and locks the data directory, opens the store,
     * wires every face, starts serving and recovers the tasks the previous process left.
     *
     * @throws StartFailure for what the operator can fix (see there); the server is closed
     */
    public TaskServer start() throws IOException {
        Path data = config.dataDir();
        var stateCodecs = new HashMap<String, FaceState.Codec<?>>();
        for (Face f : faces) if (f.stateCodec() != null) stateCodecs.put(f.name(), f.stateCodec());
        Kind<Task> taskKind = TaskCodec.kind(stateCodecs);
        var kinds = new ArrayList<Kind<?>>(List.of(taskKind, Account.KIND, User.KIND, Token.KIND));
        for (Face f : faces) kinds.addAll(f.kinds());
        try {
            // Bound first: a busy port must not cost a first start its bootstrap (printed after start).
            http = bind();
            var addr = http.getAddress();
            String host = addr.getAddress().isAnyLocalAddress() ? "127.0.0.1" : addr.getAddress().getHostAddress();
            if (host.contains(":")) host = "[" + host + "]";
            uri = URI.create("http://" + host + ":" + addr.getPort() + "/");
            lock = lockDataDir(data);
            store = openStore(data, kinds);
            var identity = new Identity(store, clock, config.tokenTtlMs());
            bootstrap = identity.bootstrap(config.adminPassword());
            if (bootstrap == null) adminPasswordChange = startTimePassword(identity);
            var blobs = new BlobStore(data);
            blobs.sweep(store.blobReferences());
            runner = new Runner(config.maxRunning(), config.maxQueued(),
                    Math.max(1, config.maxRunning() * config.anonymousSlotsPercent() / 100));
            var tasks = new TaskService(store, taskKind, blobs, registry, runner, clock);
            var lifecycle = new Lifecycle(tasks, runner);
            services = new Services(config, store, blobs, tasks, lifecycle, identity, registry, () -> uri, hooks);
            var router = new Router(config.maxBodyBytes(), config.maxRequestHeaders(), config.maxHeaderBytes());
            router.refuse(Busy.class, 503, "Retry-After", "5");
            router.refuse(LoginThrottle.Throttled.class, 429, "Retry-After", Long.toString(LoginThrottle.WINDOW_MS / 1000));
            router.refuse(StorageFull.class, 507, null, null); // see StorageFull: no time to promise
            // For load balancers and start-up checks; answers before any face is involved.
            router.route("GET", "/healthz", (req, status, msg) -> Response.text(status, "text/plain", msg + "\n"),
                    req -> Response.text(200, "text/plain", "ok\n"));
            var backup = new Backup(store, blobs, config.backupDir(), clock);
            router.route("POST", "/admin/backup", OPERATIONS, req -> backup(req, identity, backup));
            install(router, lifecycle);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            http.createContext("/", router);
            http.start();
            lifecycle.recover();
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException(e);
        }
    }

    /** The error envelope of the operations routes (outside the faces): {@code {"error": "..."}}. */
    private static final ErrorEnvelope OPERATIONS = (req, status, msg) -> Response.json(status, Map.of("error", msg));

    /**
     * {@code POST /admin/backup}: for a user of the root account (a superduper token, as
     * Kazoo's account-less routes require; 401 without a valid token, 403 for anyone else),
     * a complete copy of the data directory under {@link Config#backupDir()}, made while the
     * server runs (see {@link Backup}). Answers
     * {@code {"backup": "<absolute path>", "records": N, "blobs": M, "bytes": B}}, or 500 with
     * the I/O failure (an unwritable backup directory, a full disk) and nothing left behind.
     */
    private static Response backup(Request req, Identity identity, Backup backup) throws IOException {
        Principal p = identity.authenticate(req.header("X-Auth-Token"));
        if (p == null) return OPERATIONS.error(req, 401, "an X-Auth-Token of a user of the root account is needed");
        if (!p.superduper()) return OPERATIONS.error(req, 403, "only an admin of the root account may make a backup");
        Backup.Result r;
        try {
            r = backup.run();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "backup failed", e);
            return OPERATIONS.error(req, 500, "backup failed: " + e);
        }
        LOG.info("backup written to " + r.dir() + ": " + r.records() + " records, " + r.blobs() + " blobs, " + r.bytes() + " bytes");
        var answer = new LinkedHashMap<String, Object>();
        answer.put("backup", r.dir().toAbsolutePath().normalize().toString());
        answer.put("records", r.records());
        answer.put("blobs", r.blobs());
        answer.put("bytes", r.bytes());
        return Response.json(200, answer);
    }

    /** On a directory that has an admin: what the start's password settings ask for. */
    private AdminPasswordChange startTimePassword(Identity identity) throws IOException {
        if (resetAdminPassword) return new AdminPasswordChange(identity.resetAdminPassword());
        String given = config.adminPassword();
        if (given == null || given.isEmpty()) return null;
        identity.setAdminPassword(given);
        return new AdminPasswordChange(null);
    }

    /** The HTTP server, bound (the JDK binds in create) but not started. */
    private HttpServer bind() throws StartFailure {
        var addr = new InetSocketAddress(config.bind(), config.port());
        String where = config.bind() + ":" + config.port();
        if (addr.isUnresolved()) {
            throw new StartFailure("bind address " + config.bind() + " is not a known address; use --bind ADDR", null);
        }
        try {
            return HttpServer.create(addr, 1024);
        } catch (BindException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("in use")) throw new PortInUse(config.bind(), config.port(), e);
            String hint = why.contains("assign") ? "--bind must be an address of this machine"
                    : why.contains("ermission") ? "ports below 1024 need privileges; try --port N"
                    : "check --bind and --port";
            throw new StartFailure("cannot listen on " + where + ": " + why + "; " + hint, e);
        } catch (IOException | RuntimeException e) {
            throw new StartFailure("cannot listen on " + where + ": " + e, e);
        }
    }

    /** Creates the data directory if it is new, and locks it for this server's life. */
    private static DataDirLock lockDataDir(Path data) throws StartFailure {
        try {
            OwnerOnly.directories(data);
        } catch (FileAlreadyExistsException e) {
            throw new StartFailure("data directory " + data + " is a file, not a directory; use --data DIR", e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " cannot be created (" + reason(e) + "); use --data DIR", e);
        }
        try {
            return DataDirLock.acquire(data);
        } catch (DataDirLock.Held e) {
            throw new DataDirInUse(data, e.holder(), e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " is not writable (" + reason(e) + "); use --data DIR", e);
        }
    }

    /** Opens the store, translating what a damaged or unreadable directory throws into what to do. */
    private Store openStore(Path data, List<Kind<?>> kinds) throws StartFailure {
        try {
            return Store.open(data, kinds, config.compactAfterBytes());
        } catch (Journal.Unreadable e) {
            throw new StartFailure(e.getMessage() + "; nothing was changed: restore a backup (README: \"Stopping, backing up,"
                    + " restoring and moving the data directory\"), or keep the " + e.goodBytes()
                    + " bytes before it (truncate -s " + e.goodBytes() + " " + e.file() + ") and start again", e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " cannot be read or written (" + reason(e) + ")", e);
        } catch (RuntimeException e) {
            throw new StartFailure("data directory " + data + " holds a journal this server cannot read ("
                    + e.getMessage() + "); nothing was changed", e);
        }
    }

    /** An I/O failure in words: "permission denied: data/journal.jsonl" rather than a class name. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof NoSuchFileException n) return "no such file or directory: " + n.getFile();
        if (e instanceof FileSystemException f) {
            return (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName()) + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Wires every face: its prefixes and error envelope, its routes, its tasks' execution and recovery. */
    private void install(Router router, Lifecycle lifecycle) throws Exception {
        Face fallback = null;
        for (Face f : faces) {
            for (String prefix : f.prefixes()) {
                if (!prefix.equals("/")) {
                    router.face(prefix, f);
                } else if (fallback != null) {
                    throw new IllegalStateException("faces " + fallback.name() + " and " + f.name() + " both claim /");
                } else {
                    router.fallback(fallback = f);
                }
            }
        }
        for (Face f : faces) {
            Face.TaskHandling h = f.install(router, services);
            lifecycle.register(f.name(), h.execution(), h.recovery());
        }
    }

    /** The address it listens on, ending in "/". */
    public URI uri() {
        return uri;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public Services services() {
        return services;
    }

    /** What the first start created (the admin password to print once), or null. */
    public Identity.Bootstrap bootstrap() {
        return bootstrap;
    }

    /**
     * What a start did to the password of 'admin' on a directory that had one: set from
     * {@link Config#adminPassword()} ({@code generated} null), or reset to a new generated one
     * by {@link Builder#resetAdminPassword()} ({@code generated} is it, to print once).
     */
    public record AdminPasswordChange(String generated) {}

    /** This start's change of admin's password, or null (none, or a first start: see {@link #bootstrap()}). */
    public AdminPasswordChange adminPasswordChange() {
        return adminPasswordChange;
    }

    @Override
    public void close() {
        if (http != null) http.stop(0);
        if (runner != null) runner.shutdown(5000);
        if (executor != null) executor.shutdownNow();
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                LOG.warning("closing the journal: " + e);
            }
        }
        if (lock != null) {
            try {
                lock.close();
                lock = null;
            } catch (IOException e) {
                LOG.warning("releasing the data directory's lock: " + e);
            }
        }
    }

    /**
     * Builds a server. Its settings are one {@link Config.Builder} (every default there);
     * the setting methods here and {@link #configure} change it, {@link #config(Config)}
     * replaces it, and the last call wins.
     */
    public static final class Builder {
        private Config.Builder settings = Config.builder();
        private Hooks hooks = Hooks.NONE;
        private final Registry registry = new Registry();
        private final List<Face> faces = List.<Face>of(new KazooFace(), new CkanFace(), new EntryScapeFace());
        private Clock clock = Clock.systemUTC();
        private boolean examples;
        private boolean resetAdminPassword;

        /** All settings at once, replacing every setting made before. */
        public Builder config(Config c) {
            this.settings = c.toBuilder();
            return this;
        }

        /** Changes some settings: {@code configure(c -> c.maxRunning(2).rowDelayMs(15))}. */
        public Builder configure(Consumer<Config.Builder> change) {
            change.accept(settings);
            return this;
        }

        public Builder port(int port) {
            settings.port(port);
            return this;
        }

        public Builder bind(String bind) {
            settings.bind(bind);
            return this;
        }

        public Builder dataDir(Path dir) {
            settings.dataDir(dir);
            return this;
        }

        public Builder adminPassword(String password) {
            settings.adminPassword(password);
            return this;
        }

        /**
         * At a start on a directory that has an admin, gives 'admin' a newly generated password
         * ({@link #adminPasswordChange()} holds it, to print once); on a new directory the first
         * start's password is used as always. For a lost password; not with an admin password set.
         */
        public Builder resetAdminPassword() {
            this.resetAdminPassword = true;
            return this;
        }

        /** Test hooks (see {@link Hooks}); {@link Hooks#NONE} unless set. */
        public Builder hooks(Hooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        /** Registers a row task type (Kazoo shape). */
        public Builder rowTask(RowTaskType type) {
            registry.add(type);
            return this;
        }

        /** Registers a job task type (CKAN shape). */
        public Builder jobTask(JobTaskType type) {
            registry.add(type);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Loads operator-declared command tasks from a JSON file (see README).
         *
         * @throws StartFailure naming the file and what is wrong with it
         */
        public Builder tasksFile(Path file) throws StartFailure {
            List<RowTaskType> types;
            try {
                types = taskrunner.tasks.CommandTasks.load(file);
            } catch (NoSuchFileException e) {
                throw new StartFailure("tasks file " + file + " does not exist; check --tasks FILE", e);
            } catch (IOException e) {
                String what = e.getMessage() != null && e.getMessage().startsWith(file + ": ")
                        ? e.getMessage().substring(file.toString().length() + 2) : reason(e);
                throw new StartFailure("tasks file " + file + " is not usable: " + what, e);
            } catch (RuntimeException e) { // e.g. a file that is JSON but not an object
                throw new StartFailure("tasks file " + file + " is not usable: expected {\"tasks\": [...]}", e);
            }
            try {
                for (RowTaskType t : types) registry.add(t);
            } catch (IllegalArgumentException e) {
                throw new StartFailure("tasks file " + file + " is not usable: " + e.getMessage(), e);
            }
            settings.tasksFile(file);
            return this;
        }

        public Registry registry() {
            return registry;
        }

        /** The settings as they stand. */
        public Config config() {
            return settings.build();
        }

        /**
         * Offers the built-in example task types (row tasks {@code examples/echo},
         * {@code examples/sleep}, {@code examples/count}; jobs {@code echo}, {@code sleep}) where
         * no type of that name is registered (before or after this call). The jar does; an
         * embedder opts in.
         */
        public Builder examples() {
            this.examples = true;
            return this;
        }

        public TaskServer build() {
            String pw = settings.build().adminPassword();
            if (resetAdminPassword && pw != null && !pw.isEmpty()) {
                throw new IllegalStateException("an admin password is set and a reset asked for: choose one");
            }
            if (examples) {
                for (RowTaskType t : Examples.rowTypes()) if (registry.row(t.key()) == null) registry.add(t);
                for (JobTaskType t : JobExamples.types()) if (registry.job(t.name()) == null) registry.add(t);
            }
            return new TaskServer(this);
        }
    }
}
