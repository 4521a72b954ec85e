package taskrunner;

import java.nio.file.Path;

/**
 * Every setting of a server. {@link Main} fills it from flags and environment variables;
 * embedders use {@link TaskServer#builder()}.
 *
 * @param maxRunning       tasks that run at once; the rest wait in FIFO order
 * @param maxQueued        tasks that may wait; more are refused with 503
 * @param rowDelayMs       pause after each row of a row task (Kazoo sleeps 500 ms; we default to 0)
 * @param checkpointRows   journal a row task's progress every this many rows...
 * @param checkpointMs     ...or this many milliseconds, whichever comes first
 * @param maxBodyBytes     default request body limit (413 above it)
 * @param maxUploadBytes   limit for CSV and file uploads
 * @param tokenTtlMs       sliding lifetime of login tokens
 * @param ckanSecretKey    the CKAN secure key (null: generated at first start)
 */
public record Config(
        int port,
        String bind,
        Path dataDir,
        Path tasksFile,
        String adminPassword,
        int maxRunning,
        int maxQueued,
        long rowDelayMs,
        int checkpointRows,
        long checkpointMs,
        long maxBodyBytes,
        long maxUploadBytes,
        long tokenTtlMs,
        long compactAfterBytes,
        String ckanSecretKey) {

    public static Config defaults() {
        return new Config(8000, "127.0.0.1", Path.of("data"), null, null,
                Math.max(4, Runtime.getRuntime().availableProcessors() * 4), 10_000, 0, 1000, 1000,
                1L << 20, 1L << 30, 3_600_000L, 64L << 20, null);
    }
}
