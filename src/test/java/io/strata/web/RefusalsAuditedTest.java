package io.strata.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.strata.auth.AccessAudit;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * Refusals that no resource answers are audited too: the CSRF filter's 400, an unreadable JSON
 * body (400), a page change that is not a form (415), a method the path does not take, and a
 * libvirt failure.
 */
@QuarkusTest
class RefusalsAuditedTest {

    @Inject
    AccessAudit accessAudit;

    @Test
    void aFormWithoutItsCsrfTokenIsAudited() {
        String user = Api.newUser("csrf-probe", "admin");
        CookieFilter session = PagesTest.login(user, Api.passwordOf(user));
        given().filter(session).redirects().follow(false).formParam("name", "nocsrf")
                .post("/vms/test/test/snapshots").then().statusCode(400);
        assertEquals(1, events(user, "request", "REFUSED", "400: POST /vms/test/test/snapshots%CSRF%"));
    }

    /**
     * The CSRF filter's refusal (token missing, or forged) is Strata's error page with the reason,
     * in the reader's language, not a bare 400 ("HTTP ERROR 400" in Chromium); still audited, nothing queued.
     */
    @Test
    void aCsrfRefusalIsStrataErrorPageWithTheReason() {
        String user = Api.newUser("csrf-page", "admin");
        CookieFilter session = PagesTest.login(user, Api.passwordOf(user));
        long jobsBefore = TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ?", user);
        var missing = given().filter(session).redirects().follow(false).formParam("name", "nocsrf")
                .post("/vms/test/test/snapshots");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.contentType().startsWith("text/html"), missing.contentType());
        String page = missing.asString();
        assertTrue(page.contains("<h1>400 Bad Request</h1>"), page);
        assertTrue(page.contains("security token (CSRF) is missing"), page);
        assertTrue(page.contains("nothing was changed"), page);
        assertTrue(page.contains("href=\"/vms\""), "the page leads back: " + page);

        var forged = given().filter(session).redirects().follow(false).header("Accept-Language", "zh-TW")
                .formParam("csrf-token", "Zm9yZ2VkLXRva2VuLXZhbHVlLXRoYXQtaXMtd3Jvbmc").formParam("name", "forged")
                .post("/vms/test/test/snapshots");
        assertEquals(400, forged.statusCode());
        assertTrue(forged.asString().contains("安全權杖（CSRF）"), forged.asString());

        assertEquals(jobsBefore, TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ?", user), "nothing queued");
        assertEquals(2, events(user, "request", "REFUSED", "400: POST /vms/test/test/snapshots%CSRF%"));
    }

    @Test
    void anUnreadableBodyIsAudited() {
        String user = Api.newUser("body-probe", "admin");
        Api.as(user).body("{\"name\": ").post("/api/hosts/test/vms/test/snapshots").then().statusCode(400);
        Api.as(user).body("[1, 2]").post("/api/users").then().statusCode(400);
        assertEquals(2, events(user, "request", "REFUSED", "400:%"));
    }

    @Test
    void aPageChangeThatIsNoFormIsAudited() {
        String user = Api.newUser("type-probe", "admin");
        CookieFilter session = PagesTest.login(user, Api.passwordOf(user));
        given().filter(session).redirects().follow(false).contentType("Application/x-www-form-urlencoded").body("name=x")
                .post("/vms/test/test/sync").then().statusCode(415);
        assertEquals(1, events(user, "page.post", "REFUSED", "415:%"));
    }

    @Test
    void aMethodThePathDoesNotTakeIsAudited() {
        String user = Api.newUser("method-probe", "admin");
        int status = Api.as(user).body(Map.of()).put("/api/jobs").statusCode();
        assertEquals(405, status);
        assertEquals(1, events(user, "request", "REFUSED", "405:%"));
    }

    @Test
    void aLibvirtFailureIsAudited() {
        String user = Api.newUser("libvirt-probe", "admin");
        // A VM the inventory lists but libvirt does not have: reading its disks fails in libvirt.
        String ghost = "ghost-" + Long.toHexString(System.nanoTime());
        TestDatabase.queryLong("INSERT INTO vm(host, name, uuid, state, vcpus, memory_kib, synced_at) "
                + "VALUES ('test', ?, gen_random_uuid()::text, 'shutoff', 1, 1024, now()) RETURNING id", ghost);
        try {
            int status = Api.as(user).get("/api/hosts/test/vms/" + ghost + "/disks").statusCode();
            assertTrue(status >= 400, "answered " + status);
            assertEquals(1, events(user, "libvirt", "FAILED", status + ":%"), "the libvirt failure is audited");
        } finally {
            TestDatabase.queryLong("WITH d AS (DELETE FROM vm WHERE host = 'test' AND name = ? RETURNING 1) SELECT count(*) FROM d", ghost);
        }
    }

    /** Audit events of one actor (after the access auditor's writer has caught up). */
    private long events(String actor, String action, String outcome, String detailsLike) {
        accessAudit.drain();
        return TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action LIKE ? AND outcome = ? "
                + "AND details LIKE ?", actor, action, outcome, detailsLike);
    }
}
