package io.strata.browser;

import static io.strata.support.BrowserExtension.ALICE;
import static io.strata.support.BrowserExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.strata.support.Browser;
import io.strata.support.BrowserExtension;
import io.strata.support.DiskProbes;
import io.strata.support.JobPage;
import io.strata.support.LibvirtHost;

/**
 * A VM's life from its page, as its owner lives it: start it, be refused a delete while it runs
 * (the page says why), shut it down (it has no OS to answer the power button, so the form's
 * "then force off" ends it after the wait), clone it, find the clone in the list, delete the clone
 * with its disks.
 */
class BrowserLifecycleIT {

    @RegisterExtension
    static final BrowserExtension web = new BrowserExtension();

    @Test
    void startRefusedDeleteShutDownCloneAndDelete() throws Exception {
        String vm = web.app().defineVm("web-life", ALICE);
        String page = "/vms/local/" + vm;
        String copy = LibvirtHost.PREFIX + "web-life-copy";
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.follow("^/vms$").follow(page + "$");

        b.submit(b.form(page + "/start"));
        b.watchJob("SUCCEEDED");
        assertEquals("running", DiskProbes.state(vm));

        // Delete while it runs, without "force off first": refused, and the page says why.
        b.follow(page + "$");
        WebElement delete = b.form(page + "/delete");
        b.tick(delete, "force", false);
        b.submit(delete);
        b.landed();
        String why = b.errorText();
        assertTrue(why.contains("running"), "the refusal names the reason: " + why);
        assertEquals("running", DiskProbes.state(vm), "and nothing happened");

        b.open(page);
        WebElement shutdown = b.form(page + "/shutdown");
        b.type(shutdown.findElement(By.name("timeoutSeconds")), "3");
        b.tick(shutdown, "force", true);
        b.submit(shutdown);
        JobPage.Watch watch = b.watchJob("SUCCEEDED");
        assertTrue(watch.sawItRun(), "the page showed the job running, then its end: " + watch.states());
        assertEquals("shut off", DiskProbes.state(vm));

        b.follow(page + "$");
        WebElement clone = b.form(page + "/clone");
        b.type(clone.findElement(By.name("name")), copy);
        b.submit(clone);
        b.watchJob("SUCCEEDED");
        b.follow("^/vms$");
        assertTrue(b.rowWithLink("/vms/local/" + copy).getText().contains(ALICE), "the clone is listed, hers");
        Path copyDisk = DiskProbes.topOf(copy, "vda");
        assertNotEquals(DiskProbes.topOf(vm, "vda"), copyDisk, "the clone has its own image");
        assertEquals(List.of(copyDisk.toString()), DiskProbes.backingChain(copyDisk), "an independent one");

        b.follow("/vms/local/" + copy + "$");
        WebElement deleteCopy = b.form("/vms/local/" + copy + "/delete");
        b.tick(deleteCopy, "disks", true);
        b.submit(deleteCopy);
        b.watchJob("SUCCEEDED");
        b.follow("^/vms$");
        assertFalse(b.hasLink("/vms/local/" + copy + "$"), "the clone is no longer listed");
        assertTrue(b.hasLink(page + "$"), "its source still is");
        assertNotEquals(0, LibvirtHost.tryVirsh("dominfo", copy).exit(), "libvirt no longer knows the clone");
        assertFalse(Files.exists(copyDisk), "its disk is gone");
        assertTrue(Files.exists(DiskProbes.topOf(vm, "vda")), "the source's is not");
    }
}
