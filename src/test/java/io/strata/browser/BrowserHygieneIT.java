package io.strata.browser;

import static io.strata.support.BrowserExtension.ALICE;
import static io.strata.support.BrowserExtension.AUDITOR;
import static io.strata.support.BrowserExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.strata.support.AppProcess;
import io.strata.support.Browser;
import io.strata.support.BrowserExtension;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;

/**
 * The pages that look after the whole: the snapshot health dashboard, a cleanup report whose
 * orphan image is removed with one click, and the audit review (a search, a timeline, an export
 * downloaded into Chromium's download directory).
 */
class BrowserHygieneIT {

    @RegisterExtension
    static final BrowserExtension web = new BrowserExtension();

    static String vm;

    /** Alice's VM with one snapshot she took in the browser: something to count, audit and search for. */
    @BeforeAll
    static void aVmWithASnapshot() throws Exception {
        vm = web.app().defineVm("web-hyg", ALICE);
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.open("/vms/local/" + vm);
        WebElement create = b.form("/vms/local/" + vm + "/snapshots");
        b.type(create.findElement(By.name("name")), "kept");
        b.type(create.findElement(By.name("reason")), "hygiene-browser-check");
        b.submit(create);
        b.watchJob("SUCCEEDED");
        b.logOut();
    }

    @Test
    void theDashboardCountsSnapshotsAndAReportsOrphanGoesWithOneClick() throws Exception {
        // An image file nothing uses, beside the VM's disk: the report must list it as an orphan.
        Path orphan = LibvirtHost.DIR.resolve(LibvirtHost.PREFIX + "forgotten.qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", orphan.toString(), "16M");
        Browser b = web.browser();
        b.logIn("admin", AppProcess.ADMIN_PASSWORD);
        b.open("/");
        assertTrue(b.driver.findElement(By.tagName("h1")).getText().contains("Snapshot health"), b.text());
        int counted = 0;
        for (String level : List.of("ok", "warn", "critical")) {
            counted += Integer.parseInt(b.driver.findElement(By.id("snapshots-" + level)).getText().strip());
        }
        assertTrue(counted >= 1, "the dashboard counts alice's snapshot: " + counted);
        assertFalse(b.driver.findElements(By.id("age-histogram")).isEmpty(), "and draws the ages");
        b.follow("^/admin/policy$");
        assertTrue(b.text().contains("Save policy"), "the policy behind the health levels: " + b.text());

        b.follow("^/reports$");
        b.submit(b.form("/reports/run"));
        b.watchJob("SUCCEEDED");
        b.follow("^/reports$").follow("^/reports/\\d+$");
        assertTrue(b.text().contains(orphan.toString()), "the report lists the orphan: " + b.text());
        WebElement fix = b.driver.findElement(By.xpath("//form[contains(@action, '/fix/orphan-delete')]"
                + "[.//input[@name='path' and @value='" + orphan + "']]"));
        b.submit(fix);
        b.watchJob("SUCCEEDED");
        assertFalse(Files.exists(orphan), "one click removed the orphan");
        assertTrue(Files.exists(io.strata.support.VmBuilder.diskOf(vm)), "and nothing in use");
    }

    @Test
    void anAuditorSearchesFollowsATimelineAndDownloadsTheExport() throws Exception {
        Browser b = web.browser();
        b.clearDownloads();
        b.logIn(AUDITOR, PASSWORD);
        b.follow("^/audit$");
        WebElement filter = b.driver.findElement(By.cssSelector("form.filters"));
        b.type(filter.findElement(By.name("q")), vm);
        b.submit(filter);
        b.landed();
        assertTrue(b.path().contains("q=" + vm), b.path());
        List<WebElement> rows = b.driver.findElements(By.cssSelector("table tbody tr"));
        assertTrue(rows.stream().anyMatch(r -> r.getText().contains("snapshot") && r.getText().contains(ALICE)),
                "the search finds alice's snapshot: " + b.text());
        assertTrue(rows.stream().allMatch(r -> r.getText().contains(vm)), "and only events about the VM: " + b.text());

        b.follow("^/users/" + ALICE + "/timeline$");
        assertTrue(b.driver.findElement(By.tagName("h1")).getText().contains(ALICE), b.text());
        assertTrue(b.text().contains(vm), "her timeline shows what she did to the VM: " + b.text());

        b.driver.navigate().back();
        b.landed();
        b.follow("^/audit/export\\?format=csv");
        Path csv = b.awaitDownload(".csv");
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.size() >= 2, "a header and events: " + lines);
        assertTrue(lines.get(0).toLowerCase().contains("action"), "a header line: " + lines.get(0));
        assertTrue(lines.stream().skip(1).anyMatch(l -> l.contains(vm) && l.contains("snapshot")),
                "the downloaded file holds the snapshot event: " + lines);
        assertTrue(b.path().startsWith("/audit?"), "a download leaves the page where it was: " + b.path());
    }
}
