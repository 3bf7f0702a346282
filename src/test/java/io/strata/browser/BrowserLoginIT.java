package io.strata.browser;

import static io.strata.support.BrowserExtension.ALICE;
import static io.strata.support.BrowserExtension.BOB;
import static io.strata.support.BrowserExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import io.strata.support.AppProcess;
import io.strata.support.Browser;
import io.strata.support.BrowserExtension;
import io.strata.support.LibvirtHost;

/**
 * Logging in and out in Chromium, what a user may see, and the session's and the forms' guards:
 * a lost session goes back to the login page, a form with a forged CSRF token changes nothing.
 */
class BrowserLoginIT {

    @RegisterExtension
    static final BrowserExtension web = new BrowserExtension();

    static String aliceVm;
    static String bobVm;

    @BeforeAll
    static void vms() throws Exception {
        aliceVm = LibvirtHost.PREFIX + "web-alice";
        bobVm = LibvirtHost.PREFIX + "web-bob";
        io.strata.support.VmBuilder.defineVm("web-alice", ALICE);
        io.strata.support.VmBuilder.defineVm("web-bob", BOB);
        web.app().syncHost();
    }

    @Test
    void anAdminLogsInWithTheKeyboardSeesTheListOpensAVmAndLogsOut() {
        Browser b = web.browser();
        b.logInWithKeyboard("admin", AppProcess.ADMIN_PASSWORD);
        b.follow("^/vms$");
        assertTrue(b.hasLink("/vms/local/" + aliceVm + "$"), "the admin sees alice's VM");
        assertTrue(b.hasLink("/vms/local/" + bobVm + "$"), "and bob's");
        assertTrue(b.rowWithLink("/vms/local/" + aliceVm).getText().contains(ALICE), "with its owner");
        b.follow("/vms/local/" + aliceVm + "$");
        assertEquals("/vms/local/" + aliceVm, b.path());
        assertTrue(b.driver.findElement(By.tagName("h1")).getText().contains(aliceVm));
        assertTrue(b.text().contains("vda"), "its disk: " + b.text());
        // The other pages of the menu (each checked for unlabelled inputs as it loads).
        for (String menu : new String[] { "/jobs", "/templates", "/reports", "/audit", "/admin" }) {
            b.follow("^" + menu + "$");
            assertEquals(menu, b.path());
        }
        b.logOut();
        b.open("/vms");
        assertTrue(b.path().startsWith("/login"), "logged out: the VM list asks for a login, at " + b.path());
    }

    @Test
    void aUserSeesOnlyHerVmsAndIsToldWhyAnotherIsRefused() {
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.follow("^/vms$");
        assertTrue(b.hasLink("/vms/local/" + aliceVm + "$"), "alice sees her VM");
        assertFalse(b.hasLink("/vms/local/" + bobVm + "$"), "but not bob's");
        assertFalse(b.text().contains(bobVm), "bob's VM is nowhere on her list");
        b.open("/vms/local/" + bobVm);
        String why = b.errorText();
        assertTrue(why.contains(bobVm) || why.toLowerCase().contains("not"), "the refusal says why: " + why);
        assertFalse(b.hasForm("/snapshots"), "and offers nothing to do with it");
        b.logOut();
    }

    @Test
    void aWrongPasswordIsRefusedOnTheLoginPage() {
        Browser b = web.browser();
        b.open("/login");
        b.type(By.name("j_username"), ALICE);
        b.type(By.name("j_password"), "not-her-password");
        b.button(b.form("/j_security_check")).click();
        assertTrue(b.errorText().toLowerCase().contains("wrong"), b.text());
        assertTrue(b.path().startsWith("/login"), b.path());
    }

    @Test
    void aLostOrForgedSessionCookieLeadsBackToTheLoginPage() {
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.open("/vms");
        Cookie session = b.driver.manage().getCookieNamed("strata-session");
        assertTrue(session != null, "form login keeps its session in the strata-session cookie");

        b.driver.manage().deleteCookie(session);
        b.open("/vms/local/" + aliceVm);
        assertTrue(b.path().startsWith("/login"), "without the cookie the next page is the login, at " + b.path());

        b.logIn(ALICE, PASSWORD);
        String value = b.driver.manage().getCookieNamed("strata-session").getValue();
        String forged = (value.charAt(5) == 'A' ? 'B' : 'A') + value.substring(1);
        b.driver.manage().deleteCookieNamed("strata-session");
        b.driver.manage().addCookie(new Cookie("strata-session", forged, "/"));
        b.open("/vms");
        assertTrue(b.path().startsWith("/login"), "a cookie that does not decrypt is no session, at " + b.path());
    }

    @Test
    void aFormWithATamperedCsrfTokenChangesNothing() {
        Browser b = web.browser();
        b.logIn(ALICE, PASSWORD);
        b.open("/vms/local/" + aliceVm);
        WebElement form = b.form("/vms/local/" + aliceVm + "/snapshots");
        b.type(form.findElement(By.name("name")), "forged");
        b.js("arguments[0].querySelector('input[name=\"csrf-token\"]').value = 'tampered' + Date.now()", form);
        b.button(form).click();
        b.landed();
        // Quarkus' CSRF filter answers a bare 400: Chromium shows its own error page.
        assertFalse(b.path().matches("/jobs/\\d+.*"), "no job was queued: " + b.path());
        assertTrue(b.text().contains("400"), "refused with 400: " + b.text());
        assertEquals("", LibvirtHost.virsh("snapshot-list", aliceVm, "--name").strip(), "no snapshot was taken");

        b.open("/vms/local/" + aliceVm);
        assertTrue(b.driver.findElements(By.cssSelector("#snapshot-tree tbody tr")).stream()
                .allMatch(r -> r.findElements(By.tagName("td")).size() == 1), "the VM page lists no snapshot");
    }
}
