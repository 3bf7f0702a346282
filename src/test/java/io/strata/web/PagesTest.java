package io.strata.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * The browser side, against libvirt's test:///default driver (host "test"): form login, the VM
 * list and VM page, CSRF on forms, the audit page, and that failed logins are audited.
 */
@QuarkusTest
class PagesTest {

    /** This class's own admin, new for each test. */
    String admin;

    @BeforeEach
    void users() {
        admin = Api.newUser("admin", "admin");
    }

    static CookieFilter login(String user, String password) {
        CookieFilter cookies = new CookieFilter();
        Api.loginInto(cookies, user, password);
        return cookies;
    }

    @Test
    void loginShowsVmListAndVmPageOfTheTestHost() {
        given().redirects().follow(false).get("/vms").then().statusCode(302)
                .header("Location", containsString("/login"));
        CookieFilter session = login(admin, Api.passwordOf(admin));
        given().filter(session).get("/vms").then().statusCode(200)
                .body(containsString("Host <code>test</code>")).body(containsString("/vms/test/test"));
        given().filter(session).get("/vms/test/test").then().statusCode(200)
                .body(containsString("New snapshot")).body(containsString("csrf-token"));
        given().filter(session).get("/jobs").then().statusCode(200).body(containsString("<h1>Jobs</h1>"));
        given().filter(session).get("/audit").then().statusCode(200).body(containsString("Hash chain"));
        given().filter(session).get("/admin").then().statusCode(200).body(containsString("Create user"));
    }

    @Test
    void vmPageShowsDiskChainAndSnapshotTreeOfARealVm() {
        String vm = VmBuilder.defineVm("page", admin);
        Api.awaitSuccess(admin, Api.createSnapshot(admin, vm, "p1", "page parent"));
        Api.awaitSuccess(admin, Api.createSnapshot(admin, vm, "p2", "page child"));
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String html = given().filter(session).get("/vms/local/" + vm).then().statusCode(200).extract().asString();
        assertTrue(html.contains(VmBuilder.diskOf(vm).toString()), "disk file shown");
        assertTrue(html.contains("64.0 MiB"), "virtual size shown");
        assertTrue(html.contains("2 internal snapshot(s)"), "qemu-img's view of the image shown");
        assertTrue(html.contains("page child") && html.contains("(current)"), "tree with current marker");
        assertTrue(html.indexOf(">p1<") < html.indexOf(">p2<"), "parent before child");
        // Texts reach script only as data- attributes: a name with a quote cannot become code.
        assertTrue(html.contains("data-confirm=\"Delete " + vm + "?"), "confirmation text as data");
        assertFalse(html.contains("onsubmit") || html.contains("confirm(") || html.contains("style="), "no inline script or style");
    }

    @Test
    void changesFromAnotherSiteAreRefusedAndAudited() {
        long jobsBefore = TestDatabase.queryLong("SELECT count(*) FROM job");
        String snapshots = "/api/hosts/test/vms/test/snapshots";
        // A browser holding Basic credentials posts a text/plain "form" from another site: no JSON, no change.
        Api.as(admin).contentType("text/plain").body("{\"name\":\"xsite\"}").post(snapshots).then().statusCode(415)
                .body("message", containsString("application/json"));
        Api.as(admin).contentType("application/x-www-form-urlencoded").formParam("name", "xsite").post(snapshots)
                .then().statusCode(415);
        // The browser says where the request comes from: another site is refused, JSON or not.
        Api.as(admin).header("Sec-Fetch-Site", "cross-site").body(Map.of("name", "xsite")).post(snapshots).then().statusCode(403);
        Api.as(admin).header("Origin", "https://evil.example").body(Map.of("name", "xsite")).post(snapshots).then().statusCode(403);
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String page = given().filter(session).get("/vms/test/test").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        given().filter(session).redirects().follow(false).header("Sec-Fetch-Site", "same-site").formParam("csrf-token", m.group(1))
                .formParam("name", "xsite").formParam("kind", "internal").post("/vms/test/test/snapshots").then().statusCode(403);
        assertEquals(jobsBefore, TestDatabase.queryLong("SELECT count(*) FROM job"), "nothing was queued");
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action IN ('api.request', 'request.cross-site') AND actor = ?",
                admin) >= 5, "each refusal is audited");
        // The same requests from Strata itself pass: a same-origin JSON call with the browser's headers.
        Api.awaitSuccess(admin, Api.as(admin).header("Sec-Fetch-Site", "same-origin").body(Map.of("name", "samesite"))
                .post(snapshots).then().statusCode(202).extract().jsonPath().getLong("jobId"));
    }

    @Test
    void pagesCarryTheBrowserHardeningHeaders() {
        CookieFilter session = login(admin, Api.passwordOf(admin));
        for (String path : List.of("/vms", "/login", "/vms/test/test")) {
            given().filter(session).get(path).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("script-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "same-origin");
        }
    }

    /** Posts a form of the page with its CSRF token; returns the job id the redirect names. */
    static long submit(CookieFilter who, String page, String action, Map<String, String> fields) {
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "the form carries a CSRF token");
        Response r = given().filter(who).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParams(fields).post(action);
        assertEquals(303, r.statusCode(), r.asString());
        return Long.parseLong(r.header("Location").replaceAll(".*/jobs/", ""));
    }

    /** External snapshots from the browser on a real VM: create form, tree with files, check, merge all. */
    @Test
    void externalSnapshotsFromTheBrowser() {
        String vm = VmBuilder.defineVm("pagext", admin);
        java.nio.file.Path base = VmBuilder.diskOf(vm);
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String url = "/vms/local/" + vm;
        String page = given().filter(session).get(url).then().statusCode(200).extract().asString();
        assertTrue(page.contains("not a backup") && page.contains("paused") && page.contains("guest agent"),
                "the create form carries the advice");
        Api.awaitSuccess(admin, submit(session, page, url + "/snapshots", Map.of("name", "e1", "kind", "external",
                "description", "from the page", "pause", "on")));
        Api.awaitSuccess(admin, submit(session, page, url + "/snapshots", Map.of("name", "e2", "kind", "external")));
        String html = given().filter(session).get(url).then().statusCode(200).extract().asString();
        assertTrue(html.contains(base.resolveSibling(vm + ".e1").toString()), "overlay files shown");
        assertTrue(html.contains(">external<") && html.contains("Delete (merge)") && html.contains("Merge all"), html);
        assertTrue(html.indexOf(">e1<") < html.indexOf(">e2<"), "tree order: parent first");
        String byTime = given().filter(session).get(url + "?order=time").then().statusCode(200).extract().asString();
        assertTrue(byTime.indexOf(">e2<") < byTime.indexOf(">e1<"), "time order: newest first");

        io.restassured.path.json.JsonPath check = Api.awaitSuccess(admin, submit(session, html, url + "/disks/vda/check", Map.of()));
        assertTrue(check.getString("result").contains("3 image(s) checked"), check.getString("result"));
        given().filter(session).get("/jobs/" + check.getLong("id")).then().statusCode(200)
                .body(containsString("no errors"));

        Api.awaitSuccess(admin, submit(session, html, url + "/merge", Map.of()));
        assertEquals(base, DiskProbes.topOf(vm, "vda"));
        assertEquals(java.util.List.of(), DiskProbes.snapshotNames(vm));
    }

    /** The catalogue, its provision form (a batch of two thin VMs) and the batch page, on a recorded template. */
    @Test
    void templatesFromTheBrowser() throws Exception {
        String name = "template-" + LibvirtHost.PREFIX + "pageblank";
        java.nio.file.Path image = LibvirtHost.DIR.resolve(name + ".qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "256M");
        String xml = "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='disk'>"
                + "<driver name='qemu' type='qcow2'/><source file='" + image + "'/><target dev='vda' bus='virtio'/></disk>"
                + "</devices></domain>";
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            io.strata.template.Template t = new io.strata.template.Template();
            t.host = "local";
            t.name = name;
            t.sourceVm = "pageblank";
            t.domainXml = xml;
            t.diskList(java.util.List.of(new io.strata.template.Template.Disk("vda", image.toString(), "qcow2", 256L << 20, 200_000)));
            t.operations = "defaults";
            t.createdBy = admin;
            t.sealedAt = java.time.Instant.now();
            t.persist();
        });
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String page = given().filter(session).get("/templates").then().statusCode(200).extract().asString();
        assertTrue(page.contains(name) && page.contains("pageblank") && page.contains("256.0 MiB"), "catalogue row");
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        String pattern = LibvirtHost.PREFIX + "page-{n}";
        Response r = given().filter(session).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParam("host", "local").formParam("name", pattern).formParam("count", "2").formParam("method", "thin")
                .post("/templates/" + name + "/provision");
        assertEquals(303, r.statusCode(), r.asString());
        String batchUrl = r.header("Location");
        assertTrue(batchUrl.matches(".*/batches/\\d+"), batchUrl);
        long batch = Long.parseLong(batchUrl.replaceAll(".*/batches/", ""));
        for (Object id : Api.as(admin).get("/api/batches/" + batch).then().statusCode(200).extract().jsonPath().getList("jobs.id")) {
            Api.awaitSuccess(admin, ((Number) id).longValue());
        }
        String b = given().filter(session).get(batchUrl).then().statusCode(200).extract().asString();
        assertTrue(b.contains(LibvirtHost.PREFIX + "page-1") && b.contains(LibvirtHost.PREFIX + "page-2")
                && b.contains("SUCCEEDED"), b);
        // Its stream (live while jobs run) sends each row, then "end"; another user's is 404.
        String events = given().filter(session).accept("text/event-stream").get(batchUrl + "/events").then().statusCode(200)
                .extract().asString();
        assertTrue(events.contains("event:job-") && events.contains("<tr sse-swap=\"job-") && events.contains("SUCCEEDED")
                && events.trim().endsWith("event:end\ndata:final"), events);
        String stranger = Api.newUser("pg-other", "user");
        given().filter(login(stranger, Api.passwordOf(stranger))).accept("text/event-stream").get(batchUrl + "/events")
                .then().statusCode(404);
        String after = given().filter(session).get("/templates").then().statusCode(200).extract().asString();
        assertTrue(after.contains(LibvirtHost.PREFIX + "page-1"), "thin dependents listed");
    }

    /** The form path only (token, redirect, job page); disk effects are proven against qemu:///system elsewhere. */
    @Test
    void formsNeedTheCsrfTokenAndThenQueueAJob() {
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String page = given().filter(session).get("/vms/test/test").then().statusCode(200).extract().asString();
        // Without the token: refused, nothing queued.
        given().filter(session).redirects().follow(false).formParam("name", "nocsrf")
                .post("/vms/test/test/snapshots").then().statusCode(400);
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "the form carries a CSRF token");
        Response r = given().filter(session).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParam("name", "pagesnap").formParam("kind", "internal").post("/vms/test/test/snapshots");
        assertEquals(303, r.statusCode(), r.asString());
        String jobUrl = r.header("Location");
        assertTrue(jobUrl.matches(".*/jobs/\\d+"), jobUrl);
        given().filter(session).get(jobUrl).then().statusCode(200).body(containsString("SNAPSHOT_CREATE"));

        // A same-site <form enctype="text/plain"> (or a POST with no body at all) carries no form
        // token: every page change that is not a form body is refused (the CSRF filter's 400 when it
        // finds a body without a token, else 415 with an audit event), and nothing is queued.
        long jobsBefore = TestDatabase.queryLong("SELECT count(*) FROM job");
        String[] paths = { "/vms/test/test/sync", "/vms/test/test/start", "/vms/test/test/destroy", "/jobs/1/cancel",
                "/vms/test/test/snapshots" };
        for (String path : paths) {
            int status = given().filter(session).redirects().follow(false).contentType("text/plain").body("name=x")
                    .post(path).then().extract().statusCode();
            assertTrue(status == 400 || status == 415, path + " with a text/plain body: " + status);
            // Without a body (the client may still call it a form): refused either way.
            status = given().filter(session).redirects().follow(false).post(path).then().extract().statusCode();
            assertTrue(status == 400 || status == 415, path + " without a body: " + status);
            // A form type the CSRF filter does not recognise (it compares case-sensitively).
            given().filter(session).redirects().follow(false)
                    .contentType("Application/x-www-form-urlencoded").body("name=x").post(path).then().statusCode(415);
        }
        assertEquals(jobsBefore, TestDatabase.queryLong("SELECT count(*) FROM job"), "nothing was queued");
        long audited = TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'page.post' AND actor = ?", admin);
        assertTrue(audited >= paths.length, "each 415 is audited: " + audited);
    }

    @Test
    void adminFormsCreateUsersAndHosts() {
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String page = given().filter(session).get("/admin").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        String token = m.group(1);
        String formUser = "formuser-" + LibvirtHost.RUN;
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).formParam("username", formUser)
                .formParam("password", "formuser-password").formParam("roles", "user").post("/admin/users")
                .then().statusCode(303);
        given().auth().preemptive().basic(formUser, "formuser-password").get("/api/hosts").then().statusCode(200);
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).formParam("name", "test2")
                .formParam("uri", "test:///default").post("/admin/hosts").then().statusCode(303);
        Api.as(admin).get("/api/hosts").then().statusCode(200).body("name", org.hamcrest.Matchers.hasItem("test2"));
        // A bad host name is refused with a page, not a stack trace.
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).formParam("name", "../x")
                .formParam("uri", "test:///default").post("/admin/hosts").then().statusCode(400)
                .body(containsString("host name"));
        // Users cannot reach the admin page.
        CookieFilter user = login(formUser, "formuser-password");
        given().filter(user).get("/admin").then().statusCode(403);
    }

    @Test
    void failedLoginsAreAudited() {
        String mallory = "mallory-" + LibvirtHost.RUN; // no account, and no other test's failed logins
        Api.postLoginForm(new CookieFilter(), mallory, "wrong").then().statusCode(302).header("Location", containsString("error"));
        given().auth().preemptive().basic(mallory, "wrong").get("/api/hosts").then().statusCode(401);
        long deadline = System.currentTimeMillis() + 15_000; // failures are written every ten seconds (AccessAudit)
        int denied = 0;
        while (System.currentTimeMillis() < deadline && denied < 2) {
            denied = Api.as(admin).queryParams(Map.of("actor", mallory, "action", "login", "outcome", "DENIED"))
                    .get("/api/audit").then().statusCode(200).extract().jsonPath().getList("seq").size();
            Api.sleep(100);
        }
        assertEquals(2, denied, "form and Basic login failures are both audited");
    }
}
