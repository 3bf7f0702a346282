package io.strata.browser;

import static io.strata.support.BrowserExtension.ALICE;
import static io.strata.support.BrowserExtension.OPERATOR;
import static io.strata.support.BrowserExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.strata.support.Browser;
import io.strata.support.BrowserExtension;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/**
 * Templates from the browser: an operator seals a VM on its page, a user provisions two thin VMs
 * from the catalogue with the keyboard only, and finds them in her VM list, each an overlay on the
 * template's image.
 */
class BrowserTemplateIT {

    @RegisterExtension
    static final BrowserExtension web = new BrowserExtension();

    @Test
    void sealATemplateThenProvisionTwoThinVmsWithTheKeyboard() throws Exception {
        LibvirtHost.createDir();
        String source = VmBuilder.defineGuestVm("web-tpl", OPERATOR);
        web.app().syncHost();
        String template = "template-" + source;
        Browser b = web.browser();

        b.logIn(OPERATOR, PASSWORD);
        b.open("/vms/local/" + source);
        WebElement seal = b.form("/vms/local/" + source + "/template");
        b.submit(seal);
        b.watchJob("SUCCEEDED");
        b.logOut();

        b.logIn(ALICE, PASSWORD);
        b.follow("^/templates$");
        String provision = "form[action$='/templates/" + template + "/provision'] ";
        String pattern = LibvirtHost.PREFIX + "thin-{n}";
        b.tabTo(By.cssSelector(provision + "[name=name]"));
        b.keys(pattern);
        b.tabTo(By.cssSelector(provision + "[name=count]"));
        b.keys(Keys.chord(Keys.CONTROL, "a"), "2");
        b.tabTo(By.cssSelector(provision + "[name=method]"));
        assertEquals("thin", b.driver.findElement(By.cssSelector(provision + "[name=method]")).getDomProperty("value"));
        // Hostname left empty (a thin VM is then made without virt-customize, in moments); Enter submits.
        b.tabTo(By.cssSelector(provision + "[name=hostname]"));
        b.keys(Keys.ENTER);

        new WebDriverWait(b.driver, Duration.ofSeconds(60)).until(d -> b.path().matches("/batches/\\d+"));
        List<String> states = awaitBatchEnd(b);
        assertEquals(List.of("SUCCEEDED", "SUCCEEDED"), states, "both VMs made: " + b.text());

        b.follow("^/vms$");
        for (String n : List.of("1", "2")) {
            String vm = LibvirtHost.PREFIX + "thin-" + n;
            assertTrue(b.hasLink("/vms/local/" + vm + "$"), vm + " in alice's list: " + b.text());
            assertTrue(b.rowWithLink("/vms/local/" + vm).getText().contains(ALICE), "she owns " + vm);
            List<String> chain = DiskProbes.backingChain(DiskProbes.topOf(vm, "vda"));
            assertEquals(2, chain.size(), vm + " is an overlay on the template image: " + chain);
            assertTrue(Path.of(chain.get(1)).getFileName().toString().contains(source), "the template's image: " + chain);
        }
        b.follow("^/templates$");
        String row = b.driver.findElement(By.xpath("//tr[.//form[contains(@action, '/templates/" + template
                + "/provision')]]/td[6]")).getText();
        assertTrue(row.matches("(?s).*\\b2\\b.*"), "the catalogue counts two thin dependents (a user sees how many): " + row);
    }

    /** Waits (the batch page may reload itself) until every job of the batch has ended; their states. */
    private static List<String> awaitBatchEnd(Browser b) {
        return new WebDriverWait(b.driver, Browser.JOB_WAIT, Duration.ofMillis(500))
                .ignoring(StaleElementReferenceException.class).until(d -> {
                    List<String> s = d.findElements(By.cssSelector("tbody .state")).stream()
                            .map(e -> e.getText().strip().toUpperCase()).toList();
                    return s.size() == 2 && s.stream().noneMatch(x -> x.equals("QUEUED") || x.equals("RUNNING")) ? s : null;
                });
    }
}
