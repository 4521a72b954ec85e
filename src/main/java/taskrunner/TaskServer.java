package taskrunner;

import com.sun.net.httpserver.HttpServer;
import taskrunner.auth.Account;
import taskrunner.auth.Identity;
import taskrunner.auth.Token;
import taskrunner.auth.User;
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
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.store.BlobStore;
import taskrunner.store.Kind;
import taskrunner.store.Store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The embeddable server: one port, one data directory, the three faces over one core.
 *
 * <pre>
 *   try (TaskServer s = TaskServer.builder().port(0).dataDir(dir).rowTask(myType).build().start()) {
 *       URI base = s.uri();
 *   }
 * </pre>
 * {@link #start()} returns once the port is listening and tasks left queued or running by
 * the previous process have been recovered; {@link #close()} stops accepting, interrupts
 * running tasks without marking them stopped (the next start resumes them) and closes the
 * journal.
 */
public final class TaskServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskServer.class.getName());

    static {
        // The JDK server reads these once; they are the header and request-time limits it lacks by default.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxReqHeaders", System.getProperty("sun.net.httpserver.maxReqHeaders", "200"));
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", System.getProperty("sun.net.httpserver.maxReqHeaderSize", "65536"));
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "60"));
    }

    private final Config config;
    private final Registry registry;
    private final List<FaceModule> faces;
    private final Clock clock;
    private Store store;
    private Runner runner;
    private HttpServer http;
    private ExecutorService executor;
    private Services services;
    private Identity.Bootstrap bootstrap;
    private URI uri;

    private TaskServer(Builder b) {
        this.config = b.config();
        this.registry = b.registry;
        this.faces = List.copyOf(b.faces);
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TaskServer start() throws IOException {
        Path data = config.dataDir();
        var stateCodecs = new HashMap<String, FaceState.Codec<?>>();
        for (FaceModule f : faces) {
            for (var c : f.stateCodecs().entrySet()) {
                if (stateCodecs.putIfAbsent(c.getKey(), c.getValue()) != null) {
                    throw new IllegalArgumentException("face " + c.getKey() + " has two state codecs");
                }
            }
        }
        Kind<Task> taskKind = TaskCodec.kind(stateCodecs);
        var kinds = new ArrayList<Kind<?>>(List.of(taskKind, Account.KIND, User.KIND, Token.KIND));
        for (FaceModule f : faces) kinds.addAll(f.kinds());
        store = Store.open(data, kinds, config.compactAfterBytes());
        try {
            var identity = new Identity(store, clock, config.tokenTtlMs());
            bootstrap = identity.bootstrap(config.adminPassword());
            var blobs = new BlobStore(data);
            runner = new Runner(config.maxRunning(), config.maxQueued());
            var tasks = new TaskService(store, taskKind, blobs, registry, runner, clock);
            var lifecycle = new Lifecycle(tasks, runner);
            services = new Services(config, store, blobs, tasks, lifecycle, identity, registry, () -> uri);
            var router = new Router(config.maxBodyBytes());
            router.refuse(Busy.class, 503, "Retry-After", "5");
            // For load balancers and start-up checks; answers before any face is involved.
            router.route("GET", "/healthz", (req, status, msg) -> Response.text(status, "text/plain", msg + "\n"),
                    req -> Response.text(200, "text/plain", "ok\n"));
            for (FaceModule f : faces) f.install(router, services);
            http = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 1024);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            http.createContext("/", router);
            http.start();
            var addr = http.getAddress();
            String host = addr.getAddress().isAnyLocalAddress() ? "127.0.0.1" : addr.getAddress().getHostAddress();
            if (host.contains(":")) host = "[" + host + "]";
            uri = URI.create("http://" + host + ":" + addr.getPort() + "/");
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
    }

    /** Builds a server; every setting has the default of {@link Config#defaults()}. */
    public static final class Builder {
        private Config config = Config.defaults();
        private Integer port;
        private String bind;
        private Path dataDir;
        private String adminPassword;
        private final Registry registry = new Registry();
        private final List<FaceModule> faces = new ArrayList<>(Faces.standard());
        private Clock clock = Clock.systemUTC();

        /** All settings at once; the single-setting methods below win over it. */
        public Builder config(Config c) {
            this.config = c;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder adminPassword(String password) {
            this.adminPassword = password;
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

        /** Loads operator-declared command tasks from a JSON file (see README). */
        public Builder tasksFile(Path file) throws IOException {
            for (RowTaskType t : taskrunner.tasks.CommandTasks.load(file)) registry.add(t);
            return this;
        }

        public Registry registry() {
            return registry;
        }

        /** The settings as they stand. */
        public Config config() {
            var c = config;
            return new Config(port != null ? port : c.port(), bind != null ? bind : c.bind(),
                    dataDir != null ? dataDir : c.dataDir(), c.tasksFile(),
                    adminPassword != null ? adminPassword : c.adminPassword(), c.maxRunning(), c.maxQueued(),
                    c.rowDelayMs(), c.checkpointRows(), c.checkpointMs(), c.maxBodyBytes(), c.maxUploadBytes(),
                    c.tokenTtlMs(), c.compactAfterBytes(), c.ckanSecretKey());
        }

        public TaskServer build() {
            for (RowTaskType t : taskrunner.tasks.Examples.rowTypes()) {
                if (registry.row(t.key()) == null) registry.add(t);
            }
            return new TaskServer(this);
        }
    }
}
