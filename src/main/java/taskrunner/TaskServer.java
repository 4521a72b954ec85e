package taskrunner;

import com.sun.net.httpserver.HttpServer;
import taskrunner.auth.Identity;
import taskrunner.auth.LoginThrottle;
import taskrunner.ckan.CkanFace;
import taskrunner.core.Busy;
import taskrunner.core.FaceState;
import taskrunner.core.JobTaskType;
import taskrunner.core.Lifecycle;
import taskrunner.core.Registry;
import taskrunner.core.Retention;
import taskrunner.core.RowTaskType;
import taskrunner.core.Runner;
import taskrunner.core.Task;
import taskrunner.core.TaskCodec;
import taskrunner.core.TaskService;
import taskrunner.entryscape.EntryScapeFace;
import taskrunner.http.Cors;
import taskrunner.http.ExchangeDeadlines;
import taskrunner.http.Router;
import taskrunner.kazoo.KazooFace;
import taskrunner.metrics.Metrics;
import taskrunner.metrics.ServerMetrics;
import taskrunner.store.Backup;
import taskrunner.store.BlobStore;
import taskrunner.store.Conflict;
import taskrunner.store.StoreUnavailable;
import taskrunner.store.pg.PgBlobs;
import taskrunner.store.pg.PgLeases;
import taskrunner.store.pg.PgThrottle;
import taskrunner.store.DataDirLock;
import taskrunner.store.Kind;
import taskrunner.store.StorageFull;
import taskrunner.store.Store;
import taskrunner.tasks.Examples;
import taskrunner.tasks.JobExamples;
import taskrunner.ui.Dashboard;
import taskrunner.tasks.datapusher.PushToDatastore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
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
    private ExchangeDeadlines deadlines;
    private Services services;
    private Retention retention;
    private PgLeases leases; // with --postgres
    /** From the end of a start to the first close: the server served (its stop is logged). */
    private boolean serving;
    private final boolean resetAdminPassword;
    private Identity.Bootstrap bootstrap;
    private AdminPasswordChange adminPasswordChange;
    /** Sets {@link #bootstrap} or {@link #adminPasswordChange} during {@link #start()}. */
    private FutureTask<Void> adminStep;
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
        var kinds = new ArrayList<Kind<?>>(List.of(taskKind));
        kinds.addAll(Identity.kinds());
        for (Face f : faces) kinds.addAll(f.kinds());
        try {
            // Bound first: a busy port must not cost a first start its bootstrap (printed after start).
            http = StartSteps.bind(config);
            var addr = http.getAddress();
            String host = addr.getAddress().isAnyLocalAddress() ? "127.0.0.1" : addr.getAddress().getHostAddress();
            if (host.contains(":")) host = "[" + host + "]";
            uri = URI.create("http://" + host + ":" + addr.getPort() + "/");
            // The node's name: --node, else with --postgres host:port (what tells servers on one database apart);
            // else none: Kazoo's node stays taskrunner@<host> as before
            Config config = this.config.node() != null || this.config.postgres() == null ? this.config
                    : this.config.toBuilder().node(host + ":" + addr.getPort()).build();
            lock = StartSteps.lockDataDir(data);
            if (config.postgres() != null) leases = new PgLeases(config.postgres(), config.node(), Duration.ofSeconds(config.leaseS()));
            store = config.postgres() == null ? StartSteps.openStore(data, kinds, config.compactAfterBytes())
                    : StartSteps.openPgStore(config, kinds, leases); // blobs: see PgBlobs
            if (leases != null) leases.start();
            var identity = new Identity(store, clock, config.tokenTtlMs());
            if (config.postgres() != null) identity.shareLoginThrottle(new PgThrottle(config.postgres(), config.node()));
            // The admin step is PBKDF2 (a first start's two hashes are most of its CPU while the JIT is cold):
            // it runs beside the wiring below, on another core, and ends before the port is served, so no
            // request finds a new directory without its admin.
            adminStep = new FutureTask<>(() -> {
                bootstrap = identity.bootstrap(config.adminPassword());
                if (bootstrap == null) adminPasswordChange = startTimePassword(identity);
                return null;
            });
            Thread.ofPlatform().name("start-admin").start(adminStep);
            var blobs = new BlobStore(data);
            blobs.sweep(store.blobReferences()); // the files here: with --postgres, a cache of the database's
            if (config.postgres() != null) blobs.mirror(new PgBlobs(config.postgres(), config.node(), leases));
            if (!config.datapusherCkanUrls().isEmpty() && registry.job(PushToDatastore.NAME) == null) {
                registry.add(PushToDatastore.type(config, blobs)); // a registered type of that name wins, as over the examples
            }
            runner = new Runner(config.maxRunning(), config.maxQueued(),
                    Math.max(1, config.maxRunning() * config.anonymousSlotsPercent() / 100));
            var tasks = new TaskService(store, taskKind, blobs, registry, runner, clock);
            var lifecycle = new Lifecycle(tasks, runner);
            if (leases != null) lifecycle.shareWithOtherServers(leases, TAKE_OVER_EVERY);
            var metrics = new Metrics();
            services = new Services(config, store, blobs, tasks, lifecycle, identity, registry, () -> uri, hooks, metrics);
            var router = new Router(config.maxBodyBytes(), config.maxRequestHeaders(), config.maxHeaderBytes(), config.maxUriChars());
            ServerMetrics.install(metrics, store, taskKind, faces, runner, blobs, identity, router);
            router.refuse(Busy.class, 503, "Retry-After", "5");
            router.refuse(LoginThrottle.Throttled.class, 429, "Retry-After", Long.toString(LoginThrottle.WINDOW_MS / 1000));
            router.refuse(StorageFull.class, 507, null, null); // see StorageFull: no time to promise
            router.refuse(StoreUnavailable.class, 503, "Retry-After", "5");
            router.refuse(Conflict.class, 503, "Retry-After", "1"); // a record changed by another server too often in a row
            router.cors(Cors.of(config.corsOrigins()));
            OperationsRoutes.install(router, identity,
                    config.postgres() == null ? new Backup(store, blobs, config.backupDir(), clock) : null, metrics,
                    config.metricsOpen());
            install(router, lifecycle);
            Dashboard.install(router, services, faces);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            deadlines = new ExchangeDeadlines(executor, config.maxRequestTimeS(), config.bodyIdleTimeoutS());
            http.setExecutor(deadlines);
            Store shared = config.postgres() == null ? null : store;
            http.createContext("/", shared == null ? router : exchange -> {
                shared.catchUp(); // what other servers wrote before this request (README "Scale out")
                router.handle(exchange);
            });
            awaitAdminStep();
            http.start();
            lifecycle.recover(); // with --postgres, only what no live server holds a lease of
            retention = Retention.start(lifecycle, tasks, config.retainDays());
            LOG.info("server started at " + uri + ", data directory " + data.toAbsolutePath().normalize() + ", "
                    + tasks.count() + " tasks" + (retention == null ? "" : ", finished tasks kept " + config.retainDays() + " days"));
            serving = true;
            return this;
        } catch (IOException | RuntimeException e) {
            abandonAdminStep();
            close();
            throw e;
        } catch (Exception e) {
            abandonAdminStep();
            close();
            throw new IOException(e);
        }
    }

    /** Waits for the start's admin step; its failure is the start's. */
    private void awaitAdminStep() throws IOException, InterruptedException {
        try {
            adminStep.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    /** A start that failed lets its admin step end before the store it writes is closed. */
    private void abandonAdminStep() {
        if (adminStep == null) return;
        try {
            adminStep.get();
        } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
            // the start's own failure is the one to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HTTP exchanges in progress, from the first byte of a request to the end of its response (0 before start). */
    public int openExchanges() {
        return deadlines == null ? 0 : deadlines.open();
    }

    /** On a directory that has an admin: what the start's password settings ask for. */
    private AdminPasswordChange startTimePassword(Identity identity) throws IOException {
        if (resetAdminPassword) return new AdminPasswordChange(identity.resetAdminPassword());
        String given = config.adminPassword();
        if (given == null || given.isEmpty()) return null;
        identity.setAdminPassword(given);
        return new AdminPasswordChange(null);
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

    /** How often a server on PostgreSQL looks for tasks whose lease no live server holds. */
    private static final Duration TAKE_OVER_EVERY = Duration.ofSeconds(1);

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
        if (retention != null) retention.close();
        if (runner != null) runner.shutdown(5000);
        if (leases != null) leases.close(); // what it still holds: other servers take it over at once
        if (deadlines != null) deadlines.close();
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
        if (serving) LOG.info("server stopped");
        serving = false;
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
                        ? e.getMessage().substring(file.toString().length() + 2) : StartSteps.reason(e);
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
