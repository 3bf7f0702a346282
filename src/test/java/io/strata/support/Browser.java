package io.strata.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's chromium and chromium-driver, no Selenium Manager download) driven
 * the way a person uses Strata: open a page, type into fields found by their {@code name}, press
 * a form's button (forms found by their {@code action}), answer the confirm dialog, wait for what
 * appears. In English (en-US) whatever the pages' other languages. Every page it lands on is
 * checked for inputs without a label.
 */
public final class Browser implements AutoCloseable {

    public static final Path OUT = Path.of("target", "browser").toAbsolutePath();
    public static final Path DOWNLOADS = OUT.resolve("downloads");
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    /** Jobs on TCG guests under a loaded machine: minutes, not seconds. */
    public static final Duration JOB_WAIT = Duration.ofSeconds(300);

    public final ChromeDriver driver;
    private final String base;
    final WebDriverWait wait;

    public Browser(String base) {
        this.base = base;
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        try {
            Files.createDirectories(DOWNLOADS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--lang=en-US", "--no-first-run", "--disable-extensions",
                "--disable-search-engine-choice-screen");
        o.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en",
                "download.default_directory", DOWNLOADS.toString(), "download.prompt_for_download", false,
                "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        // Downloads go to DOWNLOADS without asking (the pref alone is not always honoured headless).
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", DOWNLOADS.toString(), "eventsEnabled", false));
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
    }

    // --- navigation -------------------------------------------------------------------------

    /** Opens a page of the app by its path, as typing it into the address bar. */
    public Browser open(String path) {
        driver.get(base + path);
        return landed();
    }

    /** The current path and query (no scheme, host or port). */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    /** Follows the first link whose href matches the pattern (a regular expression on the href attribute). */
    public Browser follow(String hrefRegex) {
        Pattern p = Pattern.compile(hrefRegex);
        WebElement link = wait.until(d -> d.findElements(By.cssSelector("a[href]")).stream()
                .filter(a -> p.matcher(a.getDomAttribute("href")).find()).findFirst().orElse(null));
        link.click();
        return landed();
    }

    public boolean hasLink(String hrefRegex) {
        Pattern p = Pattern.compile(hrefRegex);
        return driver.findElements(By.cssSelector("a[href]")).stream()
                .anyMatch(a -> p.matcher(a.getDomAttribute("href")).find());
    }

    /** Called after every page change: waits for the document and checks its labels. */
    public Browser landed() {
        wait.until(d -> "complete".equals(js("return document.readyState")));
        assertEverythingLabelled();
        return this;
    }

    // --- log in and out -----------------------------------------------------------------------

    /** Logs in by typing and clicking; lands on the page after the login. */
    public Browser logIn(String user, String password) {
        open("/login");
        type(By.name("j_username"), user);
        type(By.name("j_password"), password);
        button(form("/j_security_check")).click();
        wait.until(d -> !path().startsWith("/login") && !path().startsWith("/j_security_check"));
        return landed();
    }

    /** Logs in with the keyboard only: Tab to each field from the top of the page, type, Enter. */
    public Browser logInWithKeyboard(String user, String password) {
        open("/login");
        tabTo(By.name("j_username"));
        keys(user);
        tabTo(By.name("j_password"));
        keys(password, Keys.ENTER);
        wait.until(d -> !path().startsWith("/login") && !path().startsWith("/j_security_check"));
        return landed();
    }

    public Browser logOut() {
        button(form("/logout")).click();
        wait.until(d -> path().startsWith("/login"));
        return landed();
    }

    // --- forms --------------------------------------------------------------------------------

    /** The (first) form whose action ends with the given path. */
    public WebElement form(String actionSuffix) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("form[action$='" + actionSuffix + "']")));
    }

    public boolean hasForm(String actionSuffix) {
        return !driver.findElements(By.cssSelector("form[action$='" + actionSuffix + "']")).isEmpty();
    }

    /** The form's submit button. */
    public WebElement button(WebElement form) {
        return form.findElement(By.cssSelector("button[type=submit], button:not([type])"));
    }

    /** Replaces what a field holds by typing. */
    public void type(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
    }

    public void type(By field, String text) {
        type(wait.until(ExpectedConditions.elementToBeClickable(field)), text);
    }

    /** Ticks or unticks a checkbox by clicking it. */
    public void tick(WebElement form, String name, boolean on) {
        WebElement box = form.findElement(By.name(name));
        if (box.isSelected() != on) {
            box.click();
        }
    }

    /** Submits a form by its button; answers its confirm dialog with OK when it asks one. */
    public Browser submit(WebElement form) {
        boolean asks = form.getDomAttribute("data-confirm") != null;
        button(form).click();
        if (asks) {
            wait.until(ExpectedConditions.alertIsPresent()).accept();
        }
        return this;
    }

    // --- the keyboard -------------------------------------------------------------------------

    /** Presses Tab (from the top of the page) until the element has the focus, as a keyboard user would. */
    public void tabTo(By target) {
        WebElement el = wait.until(ExpectedConditions.presenceOfElementLocated(target));
        js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)");
        for (int i = 0; i < 400; i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            if (el.equals(driver.switchTo().activeElement())) {
                return;
            }
        }
        throw new AssertionError("Tab never reaches " + target + " on " + path());
    }

    /** Types into whatever has the focus. */
    public void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    // --- jobs ---------------------------------------------------------------------------------

    /** See {@link JobPage#watch}. */
    public JobPage.Watch watchJob(String wantedState) {
        return JobPage.watch(this, wantedState);
    }

    // --- reading the page ---------------------------------------------------------------------

    /** The text of the whole page as shown. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The text of the page's error message (the refusal's reason). */
    public String errorText() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".error"))).getText();
    }

    /** The table row (tr) that contains a link to the href pattern, e.g. a VM's row in the list. */
    public WebElement rowWithLink(String hrefSuffix) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//tr[.//a[substring(@href, string-length(@href) - string-length('" + hrefSuffix
                        + "') + 1) = '" + hrefSuffix + "']]")));
    }

    /** Waits until the page's text contains the string (for parts that update themselves). */
    public void awaitText(String s) {
        wait.until(d -> text().contains(s));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Every input, select and textarea a person can reach has a label (a label element, wrapping
     * or for=, aria-label or aria-labelledby), and every form can be used with the keyboard: none
     * of its controls is taken out of the Tab order, and it has a submit button. Names the culprits.
     */
    @SuppressWarnings("unchecked")
    public void assertEverythingLabelled() {
        List<String> bad = (List<String>) js("""
                const where = e => e.tagName.toLowerCase() + '[name=' + e.name + '] in form '
                                   + (e.form ? e.form.getAttribute('action') : '-');
                const unlabelled = Array.from(document.querySelectorAll('input, select, textarea'))
                  .filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes((e.type || '').toLowerCase()))
                  .filter(e => !(e.labels && Array.from(e.labels).some(l => l.textContent.trim() !== ''))
                            && !(e.getAttribute('aria-label') || '').trim()
                            && !(e.getAttribute('aria-labelledby') || '').trim())
                  .map(e => 'no label: ' + where(e));
                const untabbable = Array.from(document.querySelectorAll('form input, form select, form textarea, form button'))
                  .filter(e => e.type !== 'hidden' && e.tabIndex < 0).map(e => 'not reachable by Tab: ' + where(e));
                const unsubmittable = Array.from(document.forms)
                  .filter(f => !f.querySelector('button:not([type]), button[type=submit], input[type=submit]'))
                  .map(f => 'no submit button: form ' + f.getAttribute('action'));
                return unlabelled.concat(untabbable, unsubmittable);
                """);
        assertTrue(bad.isEmpty(), "on " + path() + ": " + bad);
    }

    /** Writes what the browser shows now to target/browser/NAME.png. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(OUT);
            Path file = OUT.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a finished download whose name ends with the suffix appears in {@link #DOWNLOADS}. */
    public Path awaitDownload(String suffix) {
        return wait.until(d -> {
            try (var files = Files.list(DOWNLOADS)) {
                return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Empties the download directory. */
    public void clearDownloads() {
        try (var files = Files.list(DOWNLOADS)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh start for the next test: no cookies. */
    public void reset() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
