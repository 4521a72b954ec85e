package taskrunner;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** One builder holds every default and checks every value; the server builder and the flags go through it. */
class ConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        Config d = Config.defaults();
        assertEquals(8000, d.port());
        assertEquals("127.0.0.1", d.bind());
        assertEquals(Path.of("data"), d.dataDir());
        assertEquals(Path.of("backups"), d.backupDir());
        assertNull(d.tasksFile());
        assertNull(d.adminPassword());
        assertNull(d.ckanSecretKey());
        assertTrue(d.maxRunning() >= 4);
        assertEquals(10_000, d.maxQueued());
        assertEquals(0, d.rowDelayMs());
        assertEquals(0, d.checkpointRows());
        assertEquals(1000, d.checkpointMs());
        assertEquals(1L << 20, d.maxBodyBytes());
        assertEquals(1L << 30, d.maxUploadBytes());
        assertEquals(1L << 20, d.maxCsvCellChars());
        assertEquals(8L << 20, d.maxCsvRowChars());
        assertTrue(d.ckanJobListPublic());
        assertEquals(3_600_000, d.tokenTtlMs());
        assertEquals(64L << 20, d.compactAfterBytes());
        assertEquals(10_000, d.ckanCallbackTimeoutMs());
        assertEquals(3, d.ckanCallbackAttempts());
        assertEquals(500, d.ckanCallbackBackoffMs());
        assertEquals(200, d.maxRequestHeaders());
        assertEquals(65_536, d.maxHeaderBytes());
        assertEquals(60, d.maxRequestTimeS());
        assertEquals(60, d.bodyIdleTimeoutS());
        assertEquals(8192, d.maxUriChars());
        assertEquals(java.util.List.of(), d.proxyAllow());
        assertEquals(java.util.List.of(), d.datapusherCkanUrls());
        assertEquals(10L << 20, d.datapusherMaxBytes());
        assertEquals(30, d.datapusherDownloadIdleS());
        assertEquals(300, d.datapusherDownloadTimeoutS());
        assertEquals(d, Config.builder().build());
    }

    @Test
    void postgresAndNodeAreFlagsAndAWrongUrlIsRefusedWithoutEchoingIt() {
        assertNull(Config.defaults().postgres());
        assertNull(Config.defaults().node());
        Config c = Main.config(Main.parse(new String[] {"--postgres", "jdbc:postgresql://db/tr?password=pw1", "--node", " a1 "}));
        assertEquals("jdbc:postgresql://db/tr?password=pw1", c.postgres());
        assertEquals("a1", c.node());
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> Main.config(Main.parse(new String[] {"--postgres", "postgres://u:pw2@db/tr"})));
        assertTrue(wrong.getMessage().startsWith("--postgres: "), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("pw2"), wrong.getMessage());
        assertNull(Config.builder().postgres("").build().postgres(), "empty: the data directory");
    }

    @Test
    void aValueOutOfRangeIsRefusedNamingTheSetting() {
        refused("port", c -> c.port(-1));
        refused("port", c -> c.port(65_536));
        refused("bind", c -> c.bind(" "));
        refused("maxRunning", c -> c.maxRunning(0));
        refused("maxQueued", c -> c.maxQueued(-1));
        refused("rowDelayMs", c -> c.rowDelayMs(-5));
        refused("checkpointRows", c -> c.checkpointRows(-1));
        refused("tokenTtlMs", c -> c.tokenTtlMs(0));
        refused("ckanCallbackAttempts", c -> c.ckanCallbackAttempts(0));
        refused("ckanCallbackTimeoutMs", c -> c.ckanCallbackTimeoutMs(0));
        refused("maxRequestHeaders", c -> c.maxRequestHeaders(0));
        refused("maxHeaderBytes", c -> c.maxHeaderBytes(-1));
        refused("maxRequestTimeS", c -> c.maxRequestTimeS(-1));
        refused("bodyIdleTimeoutS", c -> c.bodyIdleTimeoutS(-1));
        refused("maxUriChars", c -> c.maxUriChars(0));
        refused("maxCsvCellChars", c -> c.maxCsvCellChars(0));
        refused("maxCsvRowChars", c -> c.maxCsvRowChars(0));
        refused("maxCsvCellChars", c -> c.maxCsvCellChars(10).maxCsvRowChars(5).build());
        refused("datapusherCkanUrls", c -> c.datapusherCkanUrls(java.util.List.of("ftp://ckan.example.org")));
        refused("datapusherCkanUrls", c -> c.datapusherCkanUrls(java.util.List.of("ckan.example.org")));
        refused("datapusherMaxBytes", c -> c.datapusherMaxBytes(0));
        refused("datapusherDownloadIdleS", c -> c.datapusherDownloadIdleS(0));
        refused("datapusherDownloadTimeoutS", c -> c.datapusherDownloadTimeoutS(0));
        assertEquals(0, Config.builder().port(0).build().port(), "0 is any free port");
    }

    private static void refused(String setting, Consumer<Config.Builder> change) {
        var e = assertThrows(IllegalArgumentException.class, () -> change.accept(Config.builder()));
        assertTrue(e.getMessage().startsWith(setting + " "), e.getMessage());
    }

    @Test
    void toBuilderKeepsEverySettingItDoesNotChange() {
        Config c = Config.builder().port(0).dataDir(Path.of("/tmp/x")).backupDir(Path.of("/tmp/b")).adminPassword("pw").ckanSecretKey("k")
                .maxRunning(2).rowDelayMs(15).ckanCallbackAttempts(1).maxRequestHeaders(20).build();
        assertEquals(c, c.toBuilder().build());
        Config d = c.toBuilder().maxQueued(7).build();
        assertEquals(7, d.maxQueued());
        assertEquals(c, d.toBuilder().maxQueued(c.maxQueued()).build());
    }

    @Test
    void theServerBuilderChangesOneSetOfSettingsAndTheLastCallWins() {
        var b = TaskServer.builder().port(0).configure(c -> c.maxRunning(3)).adminPassword("pw");
        assertEquals(Config.defaults().toBuilder().port(0).maxRunning(3).adminPassword("pw").build(), b.config());
        b.config(Config.builder().maxQueued(5).build());
        assertEquals(8000, b.config().port(), "config(...) replaces the settings made before");
        assertEquals(5, b.config().maxQueued());
        assertThrows(IllegalArgumentException.class, () -> b.port(70_000));
    }

    @Test
    void flagsReachTheirSettingsAndARefusalNamesTheFlag() {
        Config c = Main.config(Main.parse(new String[] {"--port", "0", "--token-ttl-s", "60", "--row-delay-ms=15",
                "--ckan-callback-attempts", "5", "--max-request-headers", "50", "--max-request-time-s", "0",
                "--body-idle-timeout-s", "7", "--max-uri-chars", "100", "--backup-dir", "/srv/backups", "--reset-admin-password"}));
        assertEquals(Config.defaults().toBuilder().port(0).tokenTtlMs(60_000).rowDelayMs(15).ckanCallbackAttempts(5)
                .maxRequestHeaders(50).maxRequestTimeS(0).bodyIdleTimeoutS(7).maxUriChars(100).backupDir(Path.of("/srv/backups")).build(), c);
        var range = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--max-running", "0"})));
        assertEquals("--max-running: maxRunning must be at least 1, not 0", range.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--port", "x"})));
        assertTrue(nan.getMessage().startsWith("--port: not a number"), nan.getMessage());
    }

    @Test
    void theDataPusherSettingsHaveFlagsAndTheSiteListItsPluralVariable() {
        Config c = Main.config(Main.parse(new String[] {"--datapusher-ckan-url", "http://ckan:5000/, https://data.example.org/ckan",
                "--datapusher-max-bytes", "2048", "--datapusher-download-idle-s", "5", "--datapusher-download-timeout-s=60"}));
        assertEquals(Config.defaults().toBuilder().datapusherCkanUrls(java.util.List.of("http://ckan:5000", "https://data.example.org/ckan"))
                .datapusherMaxBytes(2048).datapusherDownloadIdleS(5).datapusherDownloadTimeoutS(60).build(), c);
        assertEquals(java.util.List.of("http://ckan:5000", "https://data.example.org/ckan"), c.datapusherCkanUrls());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> Main.config(Main.parse(new String[] {"--datapusher-ckan-url", "file:///etc"})));
        assertTrue(bad.getMessage().startsWith("--datapusher-ckan-url: datapusherCkanUrls must be"), bad.getMessage());
        assertTrue(Main.usage().contains("--datapusher-ckan-url URL[,URL] TASKRUNNER_DATAPUSHER_CKAN_URLS "),
                "the variable the usage names is the one read");
    }

    @Test
    void theCsvLimitsAndTheCkanListSettingHaveFlags() {
        Config c = Main.config(Main.parse(new String[] {"--max-csv-cell-chars", "100", "--max-csv-row-chars=400",
                "--ckan-job-list-public", "false"}));
        assertEquals(Config.defaults().toBuilder().maxCsvCellChars(100).maxCsvRowChars(400).ckanJobListPublic(false).build(), c);
        assertEquals(new taskrunner.csv.CsvLimits(100, 400), c.csvLimits());
        assertTrue(Main.config(Main.parse(new String[] {"--ckan-job-list-public", "TRUE"})).ckanJobListPublic());
        var bool = assertThrows(IllegalArgumentException.class,
                () -> Main.config(Main.parse(new String[] {"--ckan-job-list-public", "no"})));
        assertEquals("--ckan-job-list-public: must be true or false, not no", bool.getMessage());
        var order = assertThrows(IllegalArgumentException.class,
                () -> Main.config(Main.parse(new String[] {"--max-csv-cell-chars", "500", "--max-csv-row-chars", "400"})));
        assertEquals("--max-csv-cell-chars (500) must not exceed --max-csv-row-chars (400)", order.getMessage());
    }

    @Test
    void theProxyAllowListIsHostsOrHostPortsFromOneCommaSeparatedFlag() {
        Config c = Main.config(Main.parse(new String[] {"--proxy-allow", "Data.Example.org, 127.0.0.1:9000,,[::1]:81"}));
        assertEquals(java.util.List.of("data.example.org", "127.0.0.1:9000", "[::1]:81"), c.proxyAllow());
        for (String bad : new String[] {"http://example.org", "example.org/path", "user@example.org", "example.org:", "example.org:0",
                "example.org:70000", "*.example.org", "example.org?x"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--proxy-allow", bad})), bad);
            assertTrue(e.getMessage().startsWith("--proxy-allow: proxyAllow entries are host or host:port"), e.getMessage());
        }
    }

    @Test
    void metricsAreClosedAndRetentionIsOffUnlessAFlagSaysOtherwise() {
        assertFalse(Config.defaults().metricsOpen());
        assertEquals(0, Config.defaults().retainDays());
        Config c = Main.config(Main.parse(new String[] {"--metrics-open", "true", "--retain-days", "30"}));
        assertEquals(Config.defaults().toBuilder().metricsOpen(true).retainDays(30).build(), c);
        assertEquals(c, c.toBuilder().build());
        var negative = assertThrows(IllegalArgumentException.class, () -> Main.config(Main.parse(new String[] {"--retain-days", "-1"})));
        assertEquals("--retain-days: retainDays must be at least 0, not -1", negative.getMessage());
    }
}
