package taskrunner.ui;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import taskrunner.support.KazooClient;
import taskrunner.support.ServerFixture;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser: Debian's headless chromium, driven through its
 * chromedriver by Selenium. Tasks of the three faces are made over HTTP as their clients
 * would; then the root admin signs in, sees them all, watches a Kazoo task's rows move
 * without a reload, stops it from the page, reads a CKAN job's logs; users of tenant A and
 * tenant B each see only what their account may. Leaves {@code target/dashboard.png}.
 *
 * <p>Without chromium and chromedriver the test is skipped, except under {@code CI=true},
 * where their absence fails it ({@code ./build.sh test} installs them as root).
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    static ServerFixture fx;
    static WebDriver browser;
    static WebDriverWait wait;
    static Path profile;        // the browser's own temp directory
    static String slowTask;     // tenant A, Kazoo examples/sleep, running
    static String bTask;        // tenant B, Kazoo, pending
    static String ckanJob;      // no account, logged a warning
    static String scapeJob;     // tenant A, EntryScape addFile

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
        if (System.getenv("CI") != null) assertTrue(present, missing);
        assumeTrue(present, missing);

        fx = new ServerFixture();
        var admin = KazooClient.admin(fx);
        var alice = admin.childWithUser("tenant-a", "alice", "alice-pw-1");
        var bob = admin.childWithUser("tenant-b", "bob", "bob-pw-1");
        var csv = new StringBuilder("ms\n");
        for (int i = 0; i < 300; i++) csv.append("100\n"); // 30 s at most: it is stopped long before
        slowTask = alice.createCsv("examples", "sleep", csv.toString());
        alice.start(slowTask);
        bTask = bob.createCsv("examples", "echo", "name\nb1\n");
        ckanJob = FaceJobs.ckanEcho(fx, "&hello"); // '&': it logs a warning
        scapeJob = FaceJobs.scapeAddFile(fx, "alice", "alice-pw-1", "alices");

        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        profile = Files.createTempDirectory("chromium-profile");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1500,1100", "--user-data-dir=" + profile);
        // the driver named explicitly, so Selenium Manager never looks for (or downloads) one
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (fx != null) fx.close();
        if (profile != null) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void signedInUsersSeeLiveTasksOfEveryFaceTheyMaySeeAndStopThem() throws Exception {
        try {
            flow();
        } catch (Exception | AssertionError e) {
            screenshot("dashboard-failure.png"); // what the page showed when it went wrong
            throw e;
        }
    }

    private void flow() throws Exception {
        browser.get(fx.server.uri().resolve("/ui/").toString());
        signIn("admin", ServerFixture.ADMIN_PASSWORD, "root");
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = true");

        // every face's task, with its owner
        for (String id : List.of(slowTask, bTask, ckanJob, scapeJob)) wait.until(d -> row(id) != null);
        assertEquals("kazoo", cell(slowTask, "face"));
        assertEquals("tenant-a", cell(slowTask, "owner"));
        assertEquals("ckan", cell(ckanJob, "face"));
        assertEquals("(no account)", cell(ckanJob, "owner"));
        assertEquals("entryscape", cell(scapeJob, "face"));
        assertEquals("tenant-b", cell(bTask, "owner"));
        assertEquals("pending", cell(bTask, "status"));

        // live progress: the running task's rows and bar move, on the same page
        wait.until(d -> "running".equals(cell(slowTask, "status")) && !progressText(slowTask).startsWith("0 "));
        String before = progressText(slowTask);
        long barBefore = barValue(slowTask);
        wait.until(d -> !progressText(slowTask).equals(before) && barValue(slowTask) > barBefore);
        assertTrue(progressText(slowTask).endsWith("/ 300 rows"), progressText(slowTask));
        assertEquals("300", row(slowTask).findElement(By.cssSelector("progress")).getDomProperty("max"));

        // stop it from the page
        row(slowTask).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#detail-actions button[data-action=stop]"))).click();
        wait.until(d -> "stopped".equals(cell(slowTask, "status")));
        assertEquals("stopped", new KazooClient(fx).login("alice", "alice-pw-1").task(slowTask).get("status"),
                "Kazoo's own API says the same");
        wait.until(d -> actions().equals(List.of("delete", "input", "output")));
        browser.findElement(By.cssSelector("#detail-actions button[data-action=output]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-message"), "Downloaded " + slowTask + "_out.csv."));

        // a CKAN job's logs
        row(ckanJob).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#logs tbody"), "just a warning"));
        assertTrue(browser.findElement(By.id("logs")).isDisplayed());

        // the counts at the top and a filter
        wait.until(d -> "4".equals(text(By.id("count-total"))) && "1".equals(text(By.id("count-stopped"))));
        screenshot("dashboard.png");
        new Select(browser.findElement(By.id("filter-face"))).selectByValue("ckan");
        wait.until(d -> rowIds().equals(Set.of(ckanJob)));
        new Select(browser.findElement(By.id("filter-face"))).selectByValue("");
        wait.until(d -> rowIds().size() == 4);
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.sameDocument"),
                "all of it without a reload");

        // tenant A's user: A's tasks of every face, no CKAN job (no account), nothing of B
        signOut();
        signIn("alice", "alice-pw-1", "tenant-a");
        wait.until(d -> rowIds().equals(Set.of(slowTask, scapeJob)));

        // tenant B's user sees its own task and none of A's
        signOut();
        signIn("bob", "bob-pw-1", "tenant-b");
        wait.until(d -> rowIds().equals(Set.of(bTask)));
        wait.until(d -> "1".equals(text(By.id("count-total"))));
        assertEquals(Set.of(bTask), rowIds());
    }

    private static void signIn(String user, String password, String account) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
        for (String[] field : new String[][] {{"username", user}, {"password", password}, {"account", account}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who-text"), user + " @ " + account));
    }

    private static void signOut() {
        browser.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
    }

    private static WebElement row(String id) {
        var rows = browser.findElements(By.cssSelector("#tasks tbody tr[data-id='" + id + "']"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static Set<String> rowIds() {
        return browser.findElements(By.cssSelector("#tasks tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-id")).collect(Collectors.toSet());
    }

    private static String cell(String id, String column) {
        WebElement r = row(id);
        return r == null ? null : r.findElement(By.cssSelector(".c-" + column)).getText();
    }

    private static String progressText(String id) {
        return row(id).findElement(By.cssSelector(".progress-text")).getText();
    }

    private static long barValue(String id) {
        return Math.round(Double.parseDouble(row(id).findElement(By.cssSelector("progress")).getDomProperty("value")));
    }

    /** The actions the open detail offers, in order. */
    private static List<String> actions() {
        return browser.findElements(By.cssSelector("#detail-actions button")).stream()
                .map(b -> b.getDomAttribute("data-action")).toList();
    }

    private static String text(By by) {
        return browser.findElement(by).getText();
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
