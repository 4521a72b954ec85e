package taskrunner;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import taskrunner.csv.CsvLimits;
import taskrunner.http.Cookie;
import taskrunner.http.Cors;

/**
 * Every setting of a server, built by {@link #builder()}, which holds every default and
 * checks every value. {@link Main} fills the builder from flags and environment variables;
 * embedders use {@link TaskServer#builder()}, which holds one of these builders.
 *
 * @param port                  TCP port to listen on; 0 takes any free port (default 8000)
 * @param bind                  address to listen on (default 127.0.0.1)
 * @param dataDir               journal, snapshot, blobs and the lock one server holds (default ./data)
 * @param backupDir             where {@code POST /admin/backup} makes each backup, a new directory named by UTC
 *                              time (default ./backups)
 * @param tasksFile             JSON file of command tasks, or null; {@link TaskServer.Builder#tasksFile} loads it
 * @param adminPassword         password of user 'admin' at the first start (null: generated, printed once)
 * @param maxRunning            tasks that run at once; the rest wait, each account's in FIFO order, accounts in turn
 *                              (default 4 × cores, at least 4)
 * @param maxQueued             tasks that may wait; more are refused with 503 (default 10000)
 * @param anonymousSlotsPercent the share of {@code maxRunning} that tasks of no account (anonymous CKAN jobs) may
 *                              hold at once, at least one slot (default 50)
 * @param erasedSecretCompactionS seconds within which the journal is compacted after a CKAN job's api_key was
 *                              erased, so its older lines lose the key too (default 300)
 * @param maxJobRunTimeS        seconds a CKAN job may run before it is ended with an error, for job types that set
 *                              no limit of their own; 0 = no limit (default 3600)
 * @param rowDelayMs            pause after each row of every face's row work: each row of a Kazoo task and each
 *                              row an EntryScape job loads (a CKAN job is one call and does not pause). Kazoo
 *                              sleeps 500 ms; default 0
 * @param checkpointRows        journal a row task's progress every this many rows too; 0 = by time only (default 0:
 *                              each checkpoint costs two fsyncs, and by rows a fast task would pay them thousands
 *                              of times a second)
 * @param checkpointMs          journal a row task's progress every this many milliseconds, so a crash repeats at
 *                              most about this much of its work (default 1000)
 * @param maxBodyBytes          default request body limit, 413 above it (default 1 MiB)
 * @param maxUploadBytes        limit for CSV and file uploads (default 1 GiB)
 * @param maxCsvCellChars       characters one CSV cell's value may hold, in every CSV the server reads from
 *                              clients (Kazoo task input, RowStore and EntryScape job uploads); more refuses the
 *                              file, or fails the task reading it (default 1 Mi = 1048576; at most
 *                              {@code maxCsvRowChars})
 * @param maxCsvRowChars        characters the cells of one CSV row may hold together (default 8 Mi = 8388608);
 *                              with {@code maxCsvCellChars} this bounds the memory one CSV reader holds
 *                              ({@link taskrunner.csv.CsvRowReader})
 * @param tokenTtlMs            sliding lifetime of login tokens (default 1 hour)
 * @param compactAfterBytes     the journal is compacted into a snapshot once it is this long (default 64 MiB)
 * @param ckanSecretKey         the CKAN secure key (null: generated at the first start)
 * @param ckanCallbackTimeoutMs timeout of each attempt of a CKAN {@code result_url} callback (default 10000)
 * @param ckanCallbackAttempts  attempts of a CKAN callback before it is recorded as failed (default 3)
 * @param ckanCallbackBackoffMs pause before a callback's second attempt, doubling after each (default 500)
 * @param ckanJobListPublic     whether CKAN's {@code GET /job} lists every job id to anyone, as the original does;
 *                              false restricts it to the admin session (admins of the root account) (default true)
 * @param maxRequestHeaders     header lines a request may carry; more are answered 431 in the face's envelope
 *                              (default 200)
 * @param maxHeaderBytes        size of a request's headers, counted as each line's name and value plus 32
 *                              (RFC 9113's measure); more is answered 431 in the face's envelope (default 65536)
 * @param maxUriChars           length of a request's target (path and query as sent); a longer one is answered 414
 *                              in the face's envelope (default 8192)
 * @param maxRequestTimeS       seconds a client may take to send a request's line and headers, from its first
 *                              byte, before the connection is closed; 0 = no limit (default 60). The body is not
 *                              counted: it is bounded by {@code bodyIdleTimeoutS} ({@link taskrunner.http.ExchangeDeadlines})
 * @param bodyIdleTimeoutS      seconds a request body may stop flowing, or a client stop reading its response,
 *                              before the connection is closed; 0 = no limit (default 60)
 * @param proxyAllow            hosts EntryStore's {@code /store/proxy} may fetch from besides this server's own
 *                              RowStore, each {@code host} (its scheme's default port) or {@code host:port}, lower-case;
 *                              matched exactly, so an IP address or {@code localhost} only if listed as such
 *                              (default none)
 * @param corsOrigins           the origins whose browser pages may call every face ({@link Cors}): empty = none, CORS
 *                              off (default); {@code ["*"]} = any, without credentials; else these origins
 *                              ({@code https://host[:port]}), with credentials, so the EntryStore cookie may cross
 * @param entryStoreCookieSameSite the SameSite of the EntryStore {@code auth_token} cookie (default Strict, as
 *                              EntryStore's {@code entrystore.auth.cookie.samesite}); None, which adds Secure, lets a
 *                              page of another site use it through credentialed CORS, over HTTPS only
 * @param datapusherCkanUrls    the CKAN sites the built-in {@code push_to_datastore} job may push to, as http(s)
 *                              URLs without a trailing slash; empty (the default): the job type is not offered
 *                              ({@link taskrunner.tasks.datapusher.PushToDatastore})
 * @param datapusherMaxBytes    bytes a push's download may have; more ends the job (default 10 MiB = 10485760,
 *                              DataPusher's {@code MAX_CONTENT_LENGTH})
 * @param datapusherDownloadIdleS seconds a push's download may stand still (no answer, or no byte of the body)
 *                              before it is cut (default 30, DataPusher's {@code DOWNLOAD_TIMEOUT})
 * @param datapusherDownloadTimeoutS seconds a push's whole download may take, however it moves (default 300)
 * @param metricsOpen           whether {@code GET /metrics} answers without a token; false: a root admin's token
 *                              is needed (default false)
 * @param retainDays            finished tasks of every face (done, failed, stopped) are removed, with their blobs
 *                              and logs, this many days after they finished, at start and hourly
 *                              ({@link taskrunner.core.Retention}); 0 = kept for ever (default 0)
 * @param postgres              a JDBC URL ({@code jdbc:postgresql://host/db?user=..&password=..}): every record is
 *                              kept in that PostgreSQL database instead of the data directory's journal, so several
 *                              servers can share it ({@link taskrunner.store.pg.PgLog}); null = the journal (default)
 * @param node                  this server's name in task details (Kazoo's {@code node}) and in its leases on
 *                              PostgreSQL; null = host:port with {@code postgres}, else Kazoo's {@code taskrunner@<host>}
 * @param leaseS                with {@code postgres}: seconds a task's lease lasts unless its server renews it (every
 *                              second); a server that died has its tasks taken over by another within about this
 *                              time plus a second ({@link taskrunner.store.pg.PgLeases}); at least 2 (default 10)
 */
public record Config(
        int port,
        String bind,
        Path dataDir,
        Path backupDir,
        Path tasksFile,
        String adminPassword,
        int maxRunning,
        int maxQueued,
        int anonymousSlotsPercent,
        long maxJobRunTimeS,
        long erasedSecretCompactionS,
        long rowDelayMs,
        int checkpointRows,
        long checkpointMs,
        long maxBodyBytes,
        long maxUploadBytes,
        long maxCsvCellChars,
        long maxCsvRowChars,
        long tokenTtlMs,
        long compactAfterBytes,
        String ckanSecretKey,
        long ckanCallbackTimeoutMs,
        int ckanCallbackAttempts,
        long ckanCallbackBackoffMs,
        boolean ckanJobListPublic,
        int maxRequestHeaders,
        int maxHeaderBytes,
        int maxUriChars,
        long maxRequestTimeS,
        long bodyIdleTimeoutS,
        List<String> proxyAllow,
        List<String> corsOrigins,
        Cookie.SameSite entryStoreCookieSameSite,
        List<String> datapusherCkanUrls,
        long datapusherMaxBytes,
        long datapusherDownloadIdleS,
        long datapusherDownloadTimeoutS,
        boolean metricsOpen,
        int retainDays,
        String postgres,
        String node,
        int leaseS) {

    public Config {
        proxyAllow = List.copyOf(proxyAllow);
        corsOrigins = List.copyOf(corsOrigins);
        datapusherCkanUrls = List.copyOf(datapusherCkanUrls);
    }

    /** Every setting at its default. */
    public static Config defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The CSV size limits, as {@link taskrunner.csv.CsvRowReader} takes them. */
    public CsvLimits csvLimits() {
        return new CsvLimits(maxCsvCellChars, maxCsvRowChars);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Every default, in one place. Each setter checks its value and throws
     * {@link IllegalArgumentException} naming the setting if it is out of range.
     */
    public static final class Builder {
        private int port = 8000;
        private String bind = "127.0.0.1";
        private Path dataDir = Path.of("data");
        private Path backupDir = Path.of("backups");
        private Path tasksFile;
        private String adminPassword;
        private int maxRunning = Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
        private int maxQueued = 10_000;
        private int anonymousSlotsPercent = 50;
        private long maxJobRunTimeS = 3600;
        private long erasedSecretCompactionS = 300;
        private long rowDelayMs;
        private int checkpointRows;
        private long checkpointMs = 1000;
        private long maxBodyBytes = 1L << 20;
        private long maxUploadBytes = 1L << 30;
        private long maxCsvCellChars = 1L << 20;
        private long maxCsvRowChars = 8L << 20;
        private long tokenTtlMs = 3_600_000L;
        private long compactAfterBytes = 64L << 20;
        private String ckanSecretKey;
        private long ckanCallbackTimeoutMs = 10_000;
        private int ckanCallbackAttempts = 3;
        private long ckanCallbackBackoffMs = 500;
        private boolean ckanJobListPublic = true;
        private int maxRequestHeaders = 200;
        private int maxHeaderBytes = 64 << 10;
        private int maxUriChars = 8192;
        private long maxRequestTimeS = 60;
        private long bodyIdleTimeoutS = 60;
        private List<String> proxyAllow = List.of();
        private List<String> corsOrigins = List.of();
        private Cookie.SameSite entryStoreCookieSameSite = Cookie.SameSite.Strict;
        private List<String> datapusherCkanUrls = List.of();
        private long datapusherMaxBytes = 10L << 20;
        private long datapusherDownloadIdleS = 30;
        private long datapusherDownloadTimeoutS = 300;
        private boolean metricsOpen;
        private int retainDays;
        private String postgres;
        private String node;
        private int leaseS = 10;

        private Builder() {}

        private Builder(Config c) {
            port(c.port).bind(c.bind).dataDir(c.dataDir).backupDir(c.backupDir).tasksFile(c.tasksFile).adminPassword(c.adminPassword)
                    .maxRunning(c.maxRunning).maxQueued(c.maxQueued).anonymousSlotsPercent(c.anonymousSlotsPercent)
                    .maxJobRunTimeS(c.maxJobRunTimeS).erasedSecretCompactionS(c.erasedSecretCompactionS).rowDelayMs(c.rowDelayMs)
                    .checkpointRows(c.checkpointRows).checkpointMs(c.checkpointMs).maxBodyBytes(c.maxBodyBytes)
                    .maxUploadBytes(c.maxUploadBytes).maxCsvCellChars(c.maxCsvCellChars).maxCsvRowChars(c.maxCsvRowChars)
                    .tokenTtlMs(c.tokenTtlMs).compactAfterBytes(c.compactAfterBytes)
                    .ckanSecretKey(c.ckanSecretKey).ckanCallbackTimeoutMs(c.ckanCallbackTimeoutMs)
                    .ckanCallbackAttempts(c.ckanCallbackAttempts).ckanCallbackBackoffMs(c.ckanCallbackBackoffMs)
                    .ckanJobListPublic(c.ckanJobListPublic)
                    .maxRequestHeaders(c.maxRequestHeaders).maxHeaderBytes(c.maxHeaderBytes)
                    .maxUriChars(c.maxUriChars).maxRequestTimeS(c.maxRequestTimeS).bodyIdleTimeoutS(c.bodyIdleTimeoutS)
                    .proxyAllow(c.proxyAllow)
                    .corsOrigins(c.corsOrigins).entryStoreCookieSameSite(c.entryStoreCookieSameSite)
                    .datapusherCkanUrls(c.datapusherCkanUrls).datapusherMaxBytes(c.datapusherMaxBytes)
                    .datapusherDownloadIdleS(c.datapusherDownloadIdleS).datapusherDownloadTimeoutS(c.datapusherDownloadTimeoutS)
                    .metricsOpen(c.metricsOpen).retainDays(c.retainDays).postgres(c.postgres).node(c.node).leaseS(c.leaseS);
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be from 0 to 65535, not " + port);
            this.port = port;
            return this;
        }

        public Builder bind(String bind) {
            if (bind == null || bind.isBlank()) throw new IllegalArgumentException("bind must be an address, not empty");
            this.bind = bind;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder backupDir(Path backupDir) {
            this.backupDir = Objects.requireNonNull(backupDir, "backupDir");
            return this;
        }

        /** Null for none. */
        public Builder tasksFile(Path tasksFile) {
            this.tasksFile = tasksFile;
            return this;
        }

        /** Null to generate one at the first start. */
        public Builder adminPassword(String adminPassword) {
            this.adminPassword = adminPassword;
            return this;
        }

        public Builder maxRunning(int maxRunning) {
            this.maxRunning = (int) atLeast("maxRunning", 1, maxRunning);
            return this;
        }

        public Builder anonymousSlotsPercent(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("anonymousSlotsPercent must be from 1 to 100, not " + percent);
            }
            this.anonymousSlotsPercent = percent;
            return this;
        }

        public Builder erasedSecretCompactionS(long seconds) {
            this.erasedSecretCompactionS = atLeast("erasedSecretCompactionS", 0, seconds);
            return this;
        }

        public Builder maxJobRunTimeS(long seconds) {
            this.maxJobRunTimeS = atLeast("maxJobRunTimeS", 0, seconds);
            return this;
        }

        public Builder maxQueued(int maxQueued) {
            this.maxQueued = (int) atLeast("maxQueued", 0, maxQueued);
            return this;
        }

        public Builder rowDelayMs(long rowDelayMs) {
            this.rowDelayMs = atLeast("rowDelayMs", 0, rowDelayMs);
            return this;
        }

        public Builder checkpointRows(int checkpointRows) {
            this.checkpointRows = (int) atLeast("checkpointRows", 0, checkpointRows);
            return this;
        }

        public Builder checkpointMs(long checkpointMs) {
            this.checkpointMs = atLeast("checkpointMs", 0, checkpointMs);
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = atLeast("maxBodyBytes", 0, maxBodyBytes);
            return this;
        }

        public Builder maxUploadBytes(long maxUploadBytes) {
            this.maxUploadBytes = atLeast("maxUploadBytes", 0, maxUploadBytes);
            return this;
        }

        public Builder maxCsvCellChars(long maxCsvCellChars) {
            this.maxCsvCellChars = atLeast("maxCsvCellChars", 1, maxCsvCellChars);
            return this;
        }

        public Builder maxCsvRowChars(long maxCsvRowChars) {
            this.maxCsvRowChars = atLeast("maxCsvRowChars", 1, maxCsvRowChars);
            return this;
        }

        public Builder tokenTtlMs(long tokenTtlMs) {
            this.tokenTtlMs = atLeast("tokenTtlMs", 1, tokenTtlMs);
            return this;
        }

        public Builder compactAfterBytes(long compactAfterBytes) {
            this.compactAfterBytes = atLeast("compactAfterBytes", 1, compactAfterBytes);
            return this;
        }

        /** Null to generate one at the first start. */
        public Builder ckanSecretKey(String ckanSecretKey) {
            this.ckanSecretKey = ckanSecretKey;
            return this;
        }

        public Builder ckanCallbackTimeoutMs(long ckanCallbackTimeoutMs) {
            this.ckanCallbackTimeoutMs = atLeast("ckanCallbackTimeoutMs", 1, ckanCallbackTimeoutMs);
            return this;
        }

        public Builder ckanCallbackAttempts(int ckanCallbackAttempts) {
            this.ckanCallbackAttempts = (int) atLeast("ckanCallbackAttempts", 1, ckanCallbackAttempts);
            return this;
        }

        public Builder ckanCallbackBackoffMs(long ckanCallbackBackoffMs) {
            this.ckanCallbackBackoffMs = atLeast("ckanCallbackBackoffMs", 0, ckanCallbackBackoffMs);
            return this;
        }

        public Builder ckanJobListPublic(boolean ckanJobListPublic) {
            this.ckanJobListPublic = ckanJobListPublic;
            return this;
        }

        public Builder maxRequestHeaders(int maxRequestHeaders) {
            this.maxRequestHeaders = (int) atLeast("maxRequestHeaders", 1, maxRequestHeaders);
            return this;
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = (int) atLeast("maxHeaderBytes", 1, maxHeaderBytes);
            return this;
        }

        public Builder maxUriChars(int maxUriChars) {
            this.maxUriChars = (int) atLeast("maxUriChars", 1, maxUriChars);
            return this;
        }

        public Builder maxRequestTimeS(long maxRequestTimeS) {
            this.maxRequestTimeS = atLeast("maxRequestTimeS", 0, maxRequestTimeS);
            return this;
        }

        public Builder bodyIdleTimeoutS(long bodyIdleTimeoutS) {
            this.bodyIdleTimeoutS = atLeast("bodyIdleTimeoutS", 0, bodyIdleTimeoutS);
            return this;
        }

        /**
         * Each a {@code host} or {@code host:port} (an IPv6 address in brackets), nothing else: no scheme,
         * path or user; kept lower-cased. Blank entries are skipped, so {@code "a,,b"} split on commas works.
         */
        public Builder proxyAllow(List<String> hosts) {
            var out = new ArrayList<String>();
            for (String h : hosts) {
                String entry = h == null ? "" : h.trim().toLowerCase(Locale.ROOT);
                if (entry.isEmpty()) continue;
                URI u;
                try {
                    u = new URI("http://" + entry + "/");
                } catch (java.net.URISyntaxException e) {
                    u = null;
                }
                if (u == null || u.getHost() == null || u.getRawUserInfo() != null || !"/".equals(u.getRawPath())
                        || u.getRawQuery() != null || u.getRawFragment() != null || !u.getRawAuthority().equals(entry)
                        || entry.endsWith(":") || u.getPort() == 0 || u.getPort() > 65535) {
                    throw new IllegalArgumentException("proxyAllow entries are host or host:port, not " + h);
                }
                out.add(entry);
            }
            this.proxyAllow = List.copyOf(out);
            return this;
        }

        /** Origins as {@code scheme://host[:port]}, or {@code *} alone; empty for none. Kept as browsers send them. */
        public Builder corsOrigins(List<String> origins) {
            try {
                this.corsOrigins = Cors.origins(Objects.requireNonNull(origins, "corsOrigins"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("corsOrigins must list origins: " + e.getMessage(), e);
            }
            return this;
        }

        public Builder entryStoreCookieSameSite(Cookie.SameSite sameSite) {
            this.entryStoreCookieSameSite = Objects.requireNonNull(sameSite, "entryStoreCookieSameSite");
            return this;
        }

        /**
         * Each an absolute http or https URL with a host (no query, no fragment); a trailing slash
         * is dropped. Empty: no {@code push_to_datastore}.
         */
        public Builder datapusherCkanUrls(List<String> urls) {
            var clean = new java.util.ArrayList<String>();
            for (String u : urls) {
                String t = u == null ? "" : u.trim();
                while (t.endsWith("/")) t = t.substring(0, t.length() - 1);
                java.net.URI uri;
                try {
                    uri = new java.net.URI(t);
                } catch (java.net.URISyntaxException e) {
                    uri = null;
                }
                if (uri == null || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                        || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                    throw new IllegalArgumentException("datapusherCkanUrls must be http or https URLs of CKAN sites, not " + u);
                }
                clean.add(t);
            }
            this.datapusherCkanUrls = List.copyOf(clean);
            return this;
        }

        public Builder datapusherMaxBytes(long datapusherMaxBytes) {
            this.datapusherMaxBytes = atLeast("datapusherMaxBytes", 1, datapusherMaxBytes);
            return this;
        }

        public Builder datapusherDownloadIdleS(long datapusherDownloadIdleS) {
            this.datapusherDownloadIdleS = atLeast("datapusherDownloadIdleS", 1, datapusherDownloadIdleS);
            return this;
        }

        public Builder datapusherDownloadTimeoutS(long datapusherDownloadTimeoutS) {
            this.datapusherDownloadTimeoutS = atLeast("datapusherDownloadTimeoutS", 1, datapusherDownloadTimeoutS);
            return this;
        }

        public Builder metricsOpen(boolean metricsOpen) {
            this.metricsOpen = metricsOpen;
            return this;
        }

        public Builder retainDays(int retainDays) {
            this.retainDays = (int) atLeast("retainDays", 0, retainDays);
            return this;
        }

        /** A {@code jdbc:postgresql:} URL, or null or empty for the data directory's journal. */
        public Builder postgres(String postgres) {
            if (postgres != null && postgres.isEmpty()) postgres = null;
            if (postgres != null && !postgres.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("postgres must be a jdbc:postgresql: URL"); // not echoed: it may hold a password
            }
            this.postgres = postgres;
            return this;
        }

        /** This server's name (null or empty: host:port once bound with postgres, else taskrunner@host). */
        public Builder node(String node) {
            this.node = node == null || node.isBlank() ? null : node.strip();
            return this;
        }

        public Builder leaseS(int leaseS) {
            this.leaseS = (int) atLeast("leaseS", 2, leaseS);
            return this;
        }

        /** @throws IllegalArgumentException if {@code maxCsvCellChars} exceeds {@code maxCsvRowChars} */
        public Config build() {
            if (maxCsvCellChars > maxCsvRowChars) {
                throw new IllegalArgumentException("maxCsvCellChars (" + maxCsvCellChars + ") must not exceed maxCsvRowChars ("
                        + maxCsvRowChars + ")");
            }
            return new Config(port, bind, dataDir, backupDir, tasksFile, adminPassword, maxRunning, maxQueued,
                    anonymousSlotsPercent, maxJobRunTimeS, erasedSecretCompactionS, rowDelayMs,
                    checkpointRows, checkpointMs, maxBodyBytes, maxUploadBytes, maxCsvCellChars, maxCsvRowChars,
                    tokenTtlMs, compactAfterBytes,
                    ckanSecretKey, ckanCallbackTimeoutMs, ckanCallbackAttempts, ckanCallbackBackoffMs, ckanJobListPublic,
                    maxRequestHeaders, maxHeaderBytes, maxUriChars, maxRequestTimeS, bodyIdleTimeoutS, proxyAllow,
                    corsOrigins, entryStoreCookieSameSite,
                    datapusherCkanUrls, datapusherMaxBytes, datapusherDownloadIdleS, datapusherDownloadTimeoutS,
                    metricsOpen, retainDays, postgres, node, leaseS);
        }

        private static long atLeast(String setting, long min, long value) {
            if (value < min) throw new IllegalArgumentException(setting + " must be at least " + min + ", not " + value);
            return value;
        }
    }
}
