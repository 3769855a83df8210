package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (issue #12, point 5): Debian's headless Chromium, driven by chromium-driver
 * through Selenium, against the packaged service started from its jar (as {@link ServiceJarIT} does, with its own
 * ports and temporary roots). An operator logs in, starts a backup, watches its progress bar reach 100 % and sees
 * the new level in the dataset's timeline; a viewer sees no command button at all; an admin previews a restore (the
 * dry run's counts and first paths), must type the dataset's name before the in-place restore, and the restore
 * puts the dataset back. Each step leaves a screenshot in {@code target/console-screenshots/}.
 */
class ConsoleBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATASET = "connectors";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("console.screenshots",
            "target/console-screenshots"));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    private static ServiceJarProcess service;
    private static String base;
    private static HttpClient http;

    private WebDriver browser;

    @BeforeAll
    static void startTheService() throws Exception {
        ServiceJarProcess.jar();
        Files.createDirectories(SCREENSHOTS);

        // a dataset with two levels already (the timeline has something to show) and one never backed up
        Path data = tmp.resolve("data").resolve(DATASET);
        Random random = new Random(12);
        for (int i = 0; i < 24; i++) {
            byte[] content = new byte[512 * 1024];
            random.nextBytes(content);
            Files.createDirectories(data.resolve("part" + i % 4));
            Files.write(data.resolve("part" + i % 4).resolve("file" + i + ".bin"), content);
        }
        Trees.write(data.resolve("config/connect.properties"), "bootstrap.servers=kafka:9092\n");
        Files.createDirectories(tmp.resolve("data").resolve("mysql"));
        Trees.write(tmp.resolve("data").resolve("mysql").resolve("ibdata1"), "innodb");

        int port = freePort();
        Map<String, String> env = new HashMap<>();
        for (String user : List.of("viewer", "operator", "admin")) {
            env.put("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_" + user.toUpperCase(),
                    sha512Hex(user + ":Quarkus:" + user));
            env.put("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_" + user.toUpperCase(), "backup-" + user);
        }
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("BACKUP_CYCLE_LENGTH", "3");
        env.put("BACKUP_BROKER_PORT", Integer.toString(freePort()));
        service = ServiceJarProcess.in(tmp).env(env).start(tmp.resolve("service.log"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        base = "http://localhost:" + port;
        service.awaitStatus(http, base + "/q/health/started", 200);
        service.awaitStatus(http, base + "/q/health/ready", 200);

        // cycles of three levels: four backups make cycle 0 (levels 0-2) and cycle 1 (level 0)
        for (int round = 0; round < 4; round++) {
            Trees.write(data.resolve("config/round.txt"), "round " + round);
            assertEquals("SUCCEEDED", backUp().path("status").asText());
        }
    }

    @AfterAll
    static void stopTheService() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @BeforeEach
    void openTheBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromium.driver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorBacksUpAndWatchesTheProgressBarReach100AndTheNewLevel() throws Exception {
        browser.get(base + "/");
        visible(By.id("login-user"));
        screenshot("01-login");
        logIn("operator");
        visible(By.cssSelector("#datasets tr[data-dataset='" + DATASET + "']"));
        // the dataset backed up is green, the one never backed up amber
        assertEquals("ok", browser.findElement(By.cssSelector("tr[data-dataset='" + DATASET + "'] .dot"))
                .getAttribute("data-health"));
        assertEquals("warn", browser.findElement(By.cssSelector("tr[data-dataset='mysql'] .dot"))
                .getAttribute("data-health"));
        assertEquals("operator", browser.findElement(By.id("who-name")).getText());

        browser.findElement(By.cssSelector("tr[data-dataset='" + DATASET + "']")).click();
        visible(By.id("action-backup"));
        assertTrue(browser.findElements(By.id("action-restore")).isEmpty(), "an operator may not restore");
        assertTrue(browser.findElements(By.id("action-prune")).isEmpty(), "an operator may not prune");
        assertFalse(browser.findElements(By.id("action-verify")).isEmpty(), "an operator may verify");
        Trees.write(tmp.resolve("data").resolve(DATASET).resolve("config/third.txt"), "level two");
        browser.findElement(By.id("action-backup")).click();

        // the job appears in Activity from the stream, and its bar ends full and green
        visible(By.cssSelector("#live li[data-job-id]"));
        // the list is redrawn as the stream's events arrive: read the id from the element as it is now
        String jobId = new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector("#live li[data-job-id]")).getAttribute("data-job-id"));
        screenshot("02-backup-started");
        By done = By.cssSelector("#live li[data-job-id='" + jobId + "'][data-status='SUCCEEDED'] "
                + ".bar.done[aria-valuenow='100']");
        visible(done);
        JsonNode finished = getJson("/api/jobs/" + jobId, "viewer");
        assertEquals("SUCCEEDED", finished.path("status").asText(), "the page shows what the API says");
        assertEquals(1, finished.path("cycle").asInt(), finished.toString());
        assertEquals(1, finished.path("level").asInt(), finished.toString());

        // the timeline gains cycle 1's level 1, with its size and time in the tooltip, beside cycle 0's three
        WebElement level = visible(By.cssSelector("#timeline .cycle[data-cycle='1'] .level[data-level='1']"));
        assertTrue(level.getAttribute("title").startsWith("level 1 · "), level.getAttribute("title"));
        assertTrue(level.getText().startsWith("L1"), level.getText());
        assertEquals(2, browser.findElements(By.cssSelector("#timeline .cycle[data-cycle='1'] .level")).size());
        assertEquals(3, browser.findElements(By.cssSelector("#timeline .cycle[data-cycle='0'] .level")).size());
        visible(By.cssSelector("#jobs li[data-job-id='" + jobId + "']"));
        screenshot("03-operator-backup-done");
    }

    @Test
    void aViewerSeesNoCommandButtonAndAWrongPasswordIsRefused() throws Exception {
        browser.get(base + "/");
        visible(By.id("login-user")).sendKeys("viewer");
        browser.findElement(By.id("login-password")).sendKeys("wrong");
        browser.findElement(By.id("login-submit")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("login-error"),
                "Wrong user name, password or token."));
        assertEquals("", browser.findElement(By.id("login-password")).getAttribute("value"),
                "a refused password is cleared");
        browser.findElement(By.id("login-user")).clear();
        logIn("viewer");
        visible(By.cssSelector("#datasets tr[data-dataset='" + DATASET + "']")).click();
        visible(By.cssSelector("#timeline .cycle[data-cycle='0'] .level[data-level='0']"));
        assertTrue(browser.findElements(By.cssSelector("#detail-actions button")).isEmpty(),
                "a viewer sees no backup, verify, prune or restore button");
        assertTrue(browser.findElements(By.id("action-restore")).isEmpty());
        assertTrue(browser.findElements(By.id("action-backup")).isEmpty());
        screenshot("04-viewer");

        // logging out forgets the login: a reload shows the form again
        browser.findElement(By.id("logout")).click();
        visible(By.id("login-user"));
        browser.navigate().refresh();
        visible(By.id("login-user"));
        assertFalse(browser.findElement(By.id("app")).isDisplayed());
    }

    @Test
    void anAdminPreviewsARestoreAndMustTypeTheDatasetNameBeforeRestoringInPlace() throws Exception {
        Path data = tmp.resolve("data").resolve(DATASET);
        Trees.write(data.resolve("config/stray.tmp"), "not in any backup");
        browser.get(base + "/");
        logIn("admin");
        visible(By.cssSelector("#datasets tr[data-dataset='" + DATASET + "']")).click();
        assertFalse(browser.findElements(By.id("action-prune")).isEmpty(), "an admin may prune");
        visible(By.id("action-restore")).click();
        visible(By.id("restore-preview-button")).click();

        WebElement plan = visible(By.id("restore-plan"));
        JsonNode cycles = getJson("/api/datasets/" + DATASET, "viewer").path("cycles");
        JsonNode latest = cycles.path(cycles.size() - 1);
        assertEquals(latest.path("cycle").asText(), browser.findElement(By.id("restore-cycle")).getAttribute("value"),
                "the newest cycle is offered first");
        int lastLevel = latest.path("lastLevel").asInt();
        assertEquals(Integer.toString(lastLevel), browser.findElement(By.id("restore-level")).getAttribute("value"),
                "the cycle's last level is offered first");
        // stray.tmp is not in the level: the plan deletes it, and lists its path
        assertEquals("1", plan.findElement(By.cssSelector("[data-kind='delete'] b")).getText());
        assertTrue(plan.findElement(By.cssSelector("ul[data-paths='delete']")).getText()
                .contains("config/stray.tmp"));
        assertTrue(Files.exists(data.resolve("config/stray.tmp")), "a dry run changes nothing");

        // in place: the restore waits for the dataset's name
        WebElement restore = browser.findElement(By.id("restore-run"));
        WebElement confirm = visible(By.id("restore-confirm"));
        assertFalse(restore.isEnabled());
        confirm.sendKeys("connector");
        assertFalse(restore.isEnabled(), "a name that is not the dataset's keeps the button off");
        confirm.sendKeys("s");
        assertTrue(restore.isEnabled());
        screenshot("05-admin-restore-preview");

        restore.click();
        // the dry run is in Activity too, marked as such; the restore is the other one
        By restored = By.cssSelector("#live li[data-status='SUCCEEDED']:not([data-dry-run])");
        visible(By.cssSelector("#live li[data-status='SUCCEEDED']:not([data-dry-run]) .bar[aria-valuenow='100']"));
        String restoreId = browser.findElement(restored).getAttribute("data-job-id");
        JsonNode job = getJson("/api/jobs/" + restoreId, "viewer");
        assertEquals("RESTORE", job.path("type").asText(), job.toString());
        assertFalse(Files.exists(data.resolve("config/stray.tmp")), "the restore made the dataset the level");
        screenshot("06-admin-restored");
    }

    /**
     * The progress event's totals, rate and ETA ({@code filesTotal}, {@code bytesTotal}, {@code estimated},
     * {@code bytesPerSecond}, {@code etaSeconds}) make the bar determinate; without them ({@code null}, as a
     * restore reports them) it moves without a figure. The events are handed to the page's own handler, as the
     * stream reader does, so that both kinds are seen whatever the timing of a real job.
     */
    @Test
    void progressWithTotalsIsADeterminateBarAndWithoutThemAnIndeterminateOne() throws Exception {
        browser.get(base + "/");
        logIn("viewer");
        visible(By.cssSelector("#datasets tr[data-dataset='" + DATASET + "']"));
        JavascriptExecutor page = (JavascriptExecutor) browser;
        page.executeScript("onProgress({jobId: 'j-known', type: 'BACKUP', dataset: 'connectors', phase: 'SCANNED',"
                + " filesDone: 40, bytesDone: 4194304, filesTotal: 100, bytesTotal: 10485760, estimated: true,"
                + " bytesPerSecond: 1048576, etaSeconds: 6})");
        page.executeScript("onProgress({jobId: 'j-unknown', type: 'RESTORE', dataset: 'mysql', phase: 'LOCKED',"
                + " filesDone: 3, bytesDone: 10, filesTotal: null, bytesTotal: null, etaSeconds: null})");
        WebElement known = visible(By.cssSelector("#live li[data-job-id='j-known']"));
        assertEquals("40", known.findElement(By.cssSelector(".bar")).getAttribute("aria-valuenow"));
        String meta = known.findElement(By.cssSelector(".job-meta")).getText();
        assertTrue(meta.startsWith("40 % · scanned · 40 / ~100 files · 4.0 MiB / ~10 MiB · 1.0 MiB/s · 6 s left"),
                meta);
        WebElement unknown = browser.findElement(By.cssSelector("#live li[data-job-id='j-unknown'] .bar"));
        assertTrue(unknown.getAttribute("class").contains("indeterminate"), unknown.getAttribute("class"));
        assertEquals(null, unknown.getAttribute("aria-valuenow"));
        screenshot("07-progress-bars");
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private void logIn(String user) {
        visible(By.id("login-user")).sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(user);
        browser.findElement(By.id("login-submit")).click();
        visible(By.id("app"));
    }

    private WebElement visible(By locator) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A backup over HTTP as the operator, awaited to its end. */
    private static JsonNode backUp() throws Exception {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", basic("operator:operator"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\":\"" + DATASET + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        JsonNode job = null;
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline;) {
            job = getJson("/api/jobs/" + jobId, "operator");
            if (!job.path("finishedAt").isNull()) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the backup did not end: " + job);
    }

    private static JsonNode getJson(String path, String user) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basic(user + ":" + user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha512Hex(String text) throws Exception {
        return ServiceJarProcess.sha512Hex(text);
    }

    private static int freePort() throws IOException {
        return ServiceJarProcess.freePort();
    }
}
