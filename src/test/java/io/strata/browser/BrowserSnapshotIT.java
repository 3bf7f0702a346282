package io.strata.browser;

import static io.strata.support.BrowserExtension.ALICE;
import static io.strata.support.BrowserExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import io.strata.support.Browser;
import io.strata.support.BrowserExtension;
import io.strata.support.DiskProbes;
import io.strata.support.JobPage;
import io.strata.support.VmBuilder;

/**
 * External snapshots from a VM's page, as its owner does them: create two (the first with the
 * keyboard only), watch each job end on its page, see the tree, revert a running VM to the first
 * with "shut down first" and "start after", delete the second with its merge, merge all. The
 * chain on disk is read with qemu-img after each step that changes it.
 */
class BrowserSnapshotIT {

    @RegisterExtension
    static final BrowserExtension web = new BrowserExtension();

    @Test
    void externalSnapshotsFromCreateToMergeAll() throws Exception {
        String vm = web.app().defineVm("web-snap", ALICE);
        String page = "/vms/local/" + vm;
        java.nio.file.Path base = VmBuilder.diskOf(vm);
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.follow("^/vms$").follow(page + "$");

        // s1 with the keyboard only: Tab to the name, type, Tab on to the description, Enter.
        b.tabTo(By.cssSelector("form[action$='" + page + "/snapshots'] [name=name]"));
        b.keys("s1");
        b.tabTo(By.cssSelector("form[action$='" + page + "/snapshots'] [name=description]"));
        b.keys("before the upgrade", Keys.ENTER);
        b.watchJob("SUCCEEDED");
        b.follow(page + "$");

        WebElement create = b.form(page + "/snapshots");
        b.type(create.findElement(By.name("name")), "s2");
        b.submit(create);
        b.watchJob("SUCCEEDED");
        b.follow(page + "$");
        List<String> tree = snapshotRows(b);
        assertEquals(2, tree.size(), "two snapshots: " + tree);
        assertTrue(tree.get(0).startsWith("s1"), "s1 at the root of the tree: " + tree);
        assertTrue(tree.get(1).contains("└ s2") && tree.get(1).contains("(current)"),
                "s2 below it, current: " + tree);
        assertTrue(tree.get(0).contains("before the upgrade"), "with its description: " + tree);
        assertEquals(3, DiskProbes.backingChain(DiskProbes.topOf(vm, "vda")).size(), "base + two overlays on disk");

        b.submit(b.form(page + "/start"));
        b.watchJob("SUCCEEDED");
        assertEquals("running", DiskProbes.state(vm));

        // Revert the running VM to s1: shut down first (a VM with no OS ignores the power
        // button, so after 3 s it is forced off), revert, start after.
        b.follow(page + "$");
        WebElement revert = b.form(page + "/snapshots/s1/revert");
        b.tick(revert, "shutdown", true);
        b.type(revert.findElement(By.name("timeoutSeconds")), "3");
        b.tick(revert, "force", true);
        b.tick(revert, "start", true);
        b.submit(revert);
        JobPage.Watch watch = b.watchJob("SUCCEEDED");
        assertTrue(watch.sawItRun(), "the page showed the job before its end, then its end: " + watch.states());
        assertEquals("running", DiskProbes.state(vm), "started after the revert");
        assertEquals("s1", DiskProbes.currentSnapshot(vm));

        b.follow(page + "$");
        b.submit(b.form(page + "/destroy"));
        b.watchJob("SUCCEEDED");
        assertEquals("shut off", DiskProbes.state(vm));

        b.follow(page + "$");
        b.submit(b.form(page + "/snapshots/s2/delete"));
        b.watchJob("SUCCEEDED");
        b.follow(page + "$");
        tree = snapshotRows(b);
        assertEquals(1, tree.size(), "s2 is gone: " + tree);
        assertEquals(List.of("s1"), DiskProbes.snapshotNames(vm));

        b.submit(b.form(page + "/merge"));
        b.watchJob("SUCCEEDED");
        b.follow(page + "$");
        assertEquals(List.of(), snapshotRows(b), "the list is empty");
        assertFalse(b.hasForm(page + "/merge"), "nothing left to merge");
        assertEquals(List.of(base.toString()), DiskProbes.backingChain(DiskProbes.topOf(vm, "vda")),
                "the VM is back on its base image alone");
        assertTrue(DiskProbes.checkClean(base), "and the image is clean");
    }

    /** The snapshot table's rows (text), in the page's order (the tree). */
    private static List<String> snapshotRows(Browser b) {
        // a snapshot's row has a cell per column; "No snapshots." is one cell across them
        return b.driver.findElements(By.cssSelector("#snapshot-tree tbody tr")).stream()
                .filter(r -> r.findElements(By.tagName("td")).size() > 1).map(WebElement::getText).toList();
    }
}
