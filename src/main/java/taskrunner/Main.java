package taskrunner;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import taskrunner.http.Cookie;

/**
 * {@code java -jar taskrunner.jar [--port N] [--bind ADDR] [--data DIR] [--tasks FILE] ...}
 *
 * <p>Every flag has an environment variable ({@code --max-running} ↔
 * {@code TASKRUNNER_MAX_RUNNING}); a flag wins over the variable. Prints the address it
 * listens on, and on the first start the generated admin password, once; later starts say
 * what their admin password and CKAN key settings changed. A start refused for a reason the
 * operator can fix ({@link StartFailure}) is one line on stderr and exit status 1;
 * a bad flag is exit status 2.
 */
public final class Main {
    static {
        // before the first logger: the JDK's logging would drop the lines of the shutdown (see there)
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        }
    }

    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    private static final String USAGE = """
            usage: java -jar taskrunner.jar [options]
              --port N                     TASKRUNNER_PORT                      port (default 8000; 0 = any free port)
              --bind ADDR                  TASKRUNNER_BIND                      address (default 127.0.0.1)
              --data DIR                   TASKRUNNER_DATA                      data directory (default ./data)
              --backup-dir DIR             TASKRUNNER_BACKUP_DIR                where POST /admin/backup writes backups (default ./backups)
              --tasks FILE                 TASKRUNNER_TASKS                     JSON file of command tasks
              --admin-password PW          TASKRUNNER_ADMIN_PASSWORD            password of 'admin': at first start (else generated, printed once); later, sets it
              --reset-admin-password       (no variable)                        give 'admin' a new generated password, print it once, then serve
              --ckan-secret-key K          TASKRUNNER_CKAN_SECRET_KEY           CKAN secure key (else generated at first start, printed once); replaces a stored one
              --max-running N              TASKRUNNER_MAX_RUNNING               tasks running at once (default 4 x cores)
              --max-queued N               TASKRUNNER_MAX_QUEUED                tasks waiting for a slot before 503 (default 10000)
              --anonymous-slots-percent N  TASKRUNNER_ANONYMOUS_SLOTS_PERCENT   share of --max-running anonymous CKAN jobs may hold (default 50)
              --max-job-run-time-s N       TASKRUNNER_MAX_JOB_RUN_TIME_S        seconds a CKAN job may run before it ends with an error (default 3600; 0 = none)
              --erased-secret-compaction-s N TASKRUNNER_ERASED_SECRET_COMPACTION_S compaction within N s of a CKAN api_key's erasure (default 300)
              --row-delay-ms N             TASKRUNNER_ROW_DELAY_MS              pause after each row of a Kazoo task or EntryScape job (default 0; Kazoo: 500)
              --checkpoint-rows N          TASKRUNNER_CHECKPOINT_ROWS           journal a row task's progress every N rows too (default 0: by time only)
              --checkpoint-ms N            TASKRUNNER_CHECKPOINT_MS             journal a row task's progress every N ms (default 1000)
              --max-body-bytes N           TASKRUNNER_MAX_BODY_BYTES            JSON/form body limit (default 1 MiB)
              --max-upload-bytes N         TASKRUNNER_MAX_UPLOAD_BYTES          CSV/file upload limit (default 1 GiB)
              --max-csv-cell-chars N       TASKRUNNER_MAX_CSV_CELL_CHARS        characters one CSV cell may hold (default 1048576)
              --max-csv-row-chars N        TASKRUNNER_MAX_CSV_ROW_CHARS         characters one CSV row's cells may hold together (default 8388608)
              --max-request-headers N      TASKRUNNER_MAX_REQUEST_HEADERS       header lines per request before 431 (default 200)
              --max-header-bytes N         TASKRUNNER_MAX_HEADER_BYTES          header size before 431, 32 per line included (default 65536)
              --max-uri-chars N            TASKRUNNER_MAX_URI_CHARS             length of a request's path and query before 414 (default 8192)
              --max-request-time-s N       TASKRUNNER_MAX_REQUEST_TIME_S        seconds to send a request's line and headers (default 60; 0 = none)
              --body-idle-timeout-s N      TASKRUNNER_BODY_IDLE_TIMEOUT_S       seconds a body or response may stand still (default 60; 0 = none)
              --token-ttl-s N              TASKRUNNER_TOKEN_TTL_S               sliding token lifetime (default 3600)
              --ckan-callback-timeout-ms N TASKRUNNER_CKAN_CALLBACK_TIMEOUT_MS  timeout of each CKAN callback attempt (default 10000)
              --ckan-callback-attempts N   TASKRUNNER_CKAN_CALLBACK_ATTEMPTS    CKAN callback attempts (default 3)
              --ckan-callback-backoff-ms N TASKRUNNER_CKAN_CALLBACK_BACKOFF_MS  pause before the second attempt, doubling (default 500)
              --ckan-job-list-public B     TASKRUNNER_CKAN_JOB_LIST_PUBLIC      true: CKAN GET /job lists every job to anyone; false: root admins only (default true)
              --proxy-allow HOST[,HOST]    TASKRUNNER_PROXY_ALLOW               hosts (host or host:port) EntryStore's /store/proxy may fetch (default none)
              --cors-origins O[,O...]      TASKRUNNER_CORS_ORIGINS              origins (https://host[:port]) whose pages may call the API, with credentials; * = any, without (default none)
              --entrystore-cookie-samesite S TASKRUNNER_ENTRYSTORE_COOKIE_SAMESITE Strict, Lax or None (+ Secure: HTTPS only) for the auth_token cookie (default Strict)
              --datapusher-ckan-url URL[,URL] TASKRUNNER_DATAPUSHER_CKAN_URLS   CKAN sites push_to_datastore may push to (default none: the job type is not offered)
              --datapusher-max-bytes N     TASKRUNNER_DATAPUSHER_MAX_BYTES      largest file a push downloads (default 10485760)
              --datapusher-download-idle-s N TASKRUNNER_DATAPUSHER_DOWNLOAD_IDLE_S seconds a push's download may stand still (default 30)
              --datapusher-download-timeout-s N TASKRUNNER_DATAPUSHER_DOWNLOAD_TIMEOUT_S seconds a push's whole download may take (default 300)
              --metrics-open B             TASKRUNNER_METRICS_OPEN              true: GET /metrics answers without a token; false: root admins only (default false)
              --retain-days N              TASKRUNNER_RETAIN_DAYS               remove finished tasks N days after they finished (default 0 = keep them)
              --postgres JDBC_URL          TASKRUNNER_POSTGRES                  keep every record in this PostgreSQL database, shared by every server given it (default none: the data directory)
              --node NAME                  TASKRUNNER_NODE                      this server's name in task details (default with --postgres host:port, else taskrunner@HOST)
              --lease-s N                  TASKRUNNER_LEASE_S                   with --postgres: a dead server's tasks are taken over after N s (default 10)
            """;

    private static final String RESET_ADMIN_PASSWORD = "reset-admin-password";
    /** Flags without a value and without a variable. */
    private static final Set<String> SWITCHES = Set.of(RESET_ADMIN_PASSWORD);

    private Main() {}

    /** The usage text: every flag with the variable that stands for it. */
    static String usage() {
        return USAGE;
    }

    public static void main(String[] args) throws Exception {
        run(args, b -> {});
    }

    /**
     * Runs the server of these flags until the JVM is stopped; {@code customize} sees the
     * builder last (a test main adds its hooks there).
     */
    public static void run(String[] args, Consumer<TaskServer.Builder> customize) throws Exception {
        LogLines.install();
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("taskrunner: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (opts.containsKey("help")) {
            System.out.print(USAGE);
            return;
        }
        Config config;
        try {
            config = config(opts);
            if (opts.containsKey(RESET_ADMIN_PASSWORD) && config.adminPassword() != null) {
                throw new IllegalArgumentException("--reset-admin-password and --admin-password (or TASKRUNNER_ADMIN_PASSWORD)"
                        + " exclude each other");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("taskrunner: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureJdkServer(config);
        TaskServer server;
        try {
            var builder = TaskServer.builder().config(config).examples();
            if (opts.containsKey(RESET_ADMIN_PASSWORD)) builder.resetAdminPassword();
            if (config.tasksFile() != null) builder.tasksFile(config.tasksFile());
            customize.accept(builder);
            server = builder.build().start();
        } catch (StartFailure e) {
            // one line for the operator; the cause is for whoever turns on FINE logging
            LOG.log(Level.FINE, "start refused", e);
            System.err.println("taskrunner: " + oneLine(e.getMessage()));
            System.err.flush();
            System.exit(1);
            return;
        }
        var boot = server.bootstrap();
        if (boot != null) {
            System.out.println("first start: created account 'root' (" + boot.root().id() + ") and user 'admin'");
            if (boot.passwordGenerated()) {
                System.out.println("admin password (shown once): " + boot.adminPassword());
            }
            System.out.println("root account api_key (shown once): " + boot.apiKey());
        }
        var change = server.adminPasswordChange();
        if (change != null && change.generated() != null) {
            System.out.println("admin password reset; new admin password (shown once): " + change.generated());
        } else if (change != null) {
            System.out.println("admin password set from --admin-password");
        }
        System.out.println("taskrunner listening on " + server.uri());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "shutdown"));
        new CountDownLatch(1).await(); // until SIGTERM or Ctrl-C runs the hook
    }

    /**
     * The shutdown hook: closes the server (running tasks keep their state for the next start),
     * says so, and ends the JVM with status 0. A JVM ended by a signal exits 128 + the signal
     * (143 for SIGTERM) once its hooks are done, which systemd and scripts read as a failure;
     * a stop by signal is this server's normal end, so the hook halts with 0 itself once the
     * server is closed and its output flushed.
     */
    private static void stop(TaskServer server) {
        int status = 0;
        try {
            server.close();
            System.out.println("taskrunner stopped");
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "stopping the server failed", e);
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s*\\R\\s*", " ");
    }

    /** The settings of these options; every one not given keeps the builder's default. */
    static Config config(Map<String, String> opts) {
        var c = Config.builder();
        var o = new Options(opts);
        o.integer("port", c::port);
        o.string("bind", c::bind);
        o.string("data", v -> c.dataDir(Path.of(v)));
        o.string("backup-dir", v -> c.backupDir(Path.of(v)));
        o.string("tasks", v -> c.tasksFile(Path.of(v)));
        o.string("admin-password", c::adminPassword);
        o.string("ckan-secret-key", c::ckanSecretKey);
        o.integer("max-running", c::maxRunning);
        o.integer("max-queued", c::maxQueued);
        o.integer("anonymous-slots-percent", c::anonymousSlotsPercent);
        o.number("max-job-run-time-s", c::maxJobRunTimeS);
        o.number("erased-secret-compaction-s", c::erasedSecretCompactionS);
        o.number("row-delay-ms", c::rowDelayMs);
        o.integer("checkpoint-rows", c::checkpointRows);
        o.number("checkpoint-ms", c::checkpointMs);
        o.number("max-body-bytes", c::maxBodyBytes);
        o.number("max-upload-bytes", c::maxUploadBytes);
        o.number("max-csv-cell-chars", c::maxCsvCellChars);
        o.number("max-csv-row-chars", c::maxCsvRowChars);
        o.integer("max-request-headers", c::maxRequestHeaders);
        o.integer("max-header-bytes", c::maxHeaderBytes);
        o.integer("max-uri-chars", c::maxUriChars);
        o.number("max-request-time-s", c::maxRequestTimeS);
        o.number("body-idle-timeout-s", c::bodyIdleTimeoutS);
        o.number("token-ttl-s", s -> c.tokenTtlMs(Math.multiplyExact(s, 1000L)));
        o.number("ckan-callback-timeout-ms", c::ckanCallbackTimeoutMs);
        o.integer("ckan-callback-attempts", c::ckanCallbackAttempts);
        o.number("ckan-callback-backoff-ms", c::ckanCallbackBackoffMs);
        o.bool("ckan-job-list-public", c::ckanJobListPublic);
        o.string("proxy-allow", v -> c.proxyAllow(List.of(v.split(","))));
        o.string("cors-origins", v -> c.corsOrigins(List.of(v.split(",", -1))));
        o.string("entrystore-cookie-samesite", v -> c.entryStoreCookieSameSite(sameSite(v)));
        o.string("datapusher-ckan-url", v -> c.datapusherCkanUrls(java.util.Arrays.asList(v.split(","))));
        o.number("datapusher-max-bytes", c::datapusherMaxBytes);
        o.number("datapusher-download-idle-s", c::datapusherDownloadIdleS);
        o.number("datapusher-download-timeout-s", c::datapusherDownloadTimeoutS);
        o.bool("metrics-open", c::metricsOpen);
        o.integer("retain-days", c::retainDays);
        o.string("postgres", c::postgres);
        o.string("node", c::node);
        o.integer("lease-s", c::leaseS);
        try {
            return c.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("maxCsvCellChars", "--max-csv-cell-chars")
                    .replace("maxCsvRowChars", "--max-csv-row-chars"), e);
        }
    }

    /** {@code Strict}, {@code Lax} or {@code None}, in any case. */
    private static Cookie.SameSite sameSite(String v) {
        for (Cookie.SameSite s : Cookie.SameSite.values()) if (s.name().equalsIgnoreCase(v.trim())) return s;
        throw new IllegalArgumentException("must be Strict, Lax or None, not " + v);
    }

    /**
     * The JDK server reads its settings from system properties once, when its first server
     * starts, so the command line (never the library) sets them here, before that. Its limits
     * are set to twice ours: between ours and twice ours the Router answers 431 (headers) or 414
     * (the request line, which the JDK counts against its header size) in the face's envelope;
     * beyond, the JDK drops the connection before any face is involved. Its request time limit
     * stays off: it would count the body too ({@link taskrunner.http.ExchangeDeadlines}).
     */
    public static void configureJdkServer(Config c) {
        long line = Math.max(c.maxHeaderBytes(), c.maxUriChars() + 32L);
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxReqHeaders", Long.toString(Math.min(Integer.MAX_VALUE, 2L * c.maxRequestHeaders())));
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", Long.toString(Math.min(Integer.MAX_VALUE, 2L * line)));
    }

    /** Flags first, then the TASKRUNNER_* variables (as the usage table names them) of the flags not given. */
    static Map<String, String> parse(String[] args) {
        var m = new HashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                m.put("help", "");
                continue;
            }
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (SWITCHES.contains(eq >= 0 ? key.substring(0, eq) : key)) {
                if (eq >= 0) throw new IllegalArgumentException(a.substring(0, eq + 2) + " takes no value");
                value = "";
            } else if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                value = args[++i];
            }
            if (!USAGE.contains("--" + key + " ")) throw new IllegalArgumentException("unknown option --" + key);
            m.put(key, value);
        }
        for (String line : USAGE.split("\n")) {
            String t = line.trim();
            if (!t.startsWith("--")) continue;
            String key = t.substring(2, t.indexOf(' '));
            if (SWITCHES.contains(key)) continue; // an action of one start, never left set in an environment
            String env = null;
            for (String word : t.split("\\s+")) {
                if (word.startsWith("TASKRUNNER_")) {
                    env = word; // the table's second column (the first word of that form)
                    break;
                }
            }
            if (env == null) continue;
            String v = System.getenv(env);
            if (v != null && !v.isEmpty()) m.putIfAbsent(key, v);
        }
        return m;
    }

    /** The given options, each handed to a setter; a setting's refusal names the flag. */
    private record Options(Map<String, String> given) {
        void string(String flag, Consumer<String> setter) {
            String v = given.get(flag);
            if (v == null) return;
            try {
                setter.accept(v);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("--" + flag + ": not a number (or too large): " + v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + flag + ": " + e.getMessage());
            }
        }

        void integer(String flag, IntConsumer setter) {
            string(flag, v -> setter.accept(Integer.parseInt(v.trim())));
        }

        void number(String flag, LongConsumer setter) {
            string(flag, v -> setter.accept(Long.parseLong(v.trim())));
        }

        /** {@code true} or {@code false}, nothing else. */
        void bool(String flag, Consumer<Boolean> setter) {
            string(flag, v -> setter.accept(switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("must be true or false, not " + v);
            }));
        }
    }
}
