package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.BootableGuest;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * Reverting a running VM in one job (shut down, revert, start) and quiesced external snapshots, on
 * guests that really boot (TCG) with a live guest agent. Three guests are booted once, together:
 * one for external snapshots, one for internal ones, one that ignores shutdown requests.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevertRunningVmTest {

    static String owner;
    private static String ext;
    private static String internal;
    private static String stubborn;

    @BeforeEach
    void users() {
        synchronized (RevertRunningVmTest.class) {
            if (owner == null) {
                owner = Api.newUser("rr-owner", "user");
            }
        }
    }

    static synchronized void bootGuests() {
        if (ext != null) {
            return;
        }
        String a = BootableGuest.define("rr-ext", owner, BootableGuest.Variant.NORMAL);
        String b = BootableGuest.define("rr-int", owner, BootableGuest.Variant.NORMAL);
        String c = BootableGuest.define("rr-stubborn", owner, BootableGuest.Variant.IGNORES_SHUTDOWN);
        for (String vm : List.of(a, b, c)) {
            LibvirtHost.virsh("start", vm);
        }
        for (String vm : List.of(a, b, c)) {
            BootableGuest.awaitAgent(vm, Duration.ofSeconds(240));
        }
        ext = a;
        internal = b;
        stubborn = c;
    }

    static long revert(String vm, String snap, Map<String, ?> body) {
        return as(owner).body(body).post(vmPath(vm) + "/snapshots/" + snap + "/revert").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
    }

    static long snapshot(String vm, String name, String kind, boolean quiesce) {
        return as(owner).body(Map.of("name", name, "kind", kind, "quiesce", quiesce)).post(vmPath(vm) + "/snapshots")
                .then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    static BootableGuest.Exec inGuest(String vm, String script) {
        BootableGuest.Exec e = BootableGuest.exec(vm, script);
        assertEquals(0, e.exit(), script + ": " + e.err() + e.out());
        return e;
    }

    static String fsfreezeStatus(String vm) {
        return LibvirtHost.virsh("qemu-agent-command", "--timeout", "10", vm, "{\"execute\":\"guest-fsfreeze-status\"}");
    }

    /** The ext4 superblock's feature list of the filesystem in a qcow2 chain (read shared, as raw). */
    static String ext4Features(Path qcow2, boolean fsck) throws Exception {
        Path raw = Files.createTempFile(Path.of("/var/tmp"), "strata-fs-", ".raw");
        try {
            Processes.ok("qemu-img", "convert", "-U", "-f", "qcow2", "-O", "raw", qcow2.toString(), raw.toString());
            if (fsck) {
                Processes.Result r = Processes.run("e2fsck", "-fn", raw.toString());
                assertEquals(0, r.exit(), "e2fsck -fn of " + qcow2 + ":\n" + r.out() + r.err());
            }
            return Processes.ok("dumpe2fs", "-h", raw.toString()).lines()
                    .filter(l -> l.startsWith("Filesystem features:")).findFirst().orElseThrow();
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    static List<String> auditActions(String vm, String outcome) {
        return as(Api.ADMIN).queryParam("vm", vm).queryParam("outcome", outcome).queryParam("limit", 500)
                .get("/api/audit").then().statusCode(200).extract().jsonPath().getList("action", String.class);
    }

    static List<String> log(JsonPath job) {
        return job.getList("log.line", String.class);
    }

    @Test
    @Order(1)
    void guestAgentFieldAnswersForTheBootedGuestOnly() {
        bootGuests();
        as(owner).get(vmPath(ext)).then().statusCode(200).body("guestAgent", org.hamcrest.Matchers.is(true));
        String blank = VmBuilder.defineVm("rr-blank", owner);
        LibvirtHost.virsh("start", blank);
        // A running VM without an agent: false, within the page's bound.
        long t0 = System.currentTimeMillis();
        as(owner).get(vmPath(blank)).then().statusCode(200).body("guestAgent", org.hamcrest.Matchers.is(false));
        assertTrue(System.currentTimeMillis() - t0 < 5_000, "GET took " + (System.currentTimeMillis() - t0) + " ms");
        // Lists leave it out: they never ping.
        as(owner).get("/api/hosts/local/vms").then().statusCode(200)
                .body("find { it.name == '" + ext + "' }.guestAgent", org.hamcrest.Matchers.nullValue());
        LibvirtHost.virsh("destroy", blank);
    }

    @Test
    @Order(2)
    void aQuiescedSnapshotReallyFreezesAndThawsTheGuestFilesystem() throws Exception {
        bootGuests();
        Path image = LibvirtHost.DIR.resolve(ext + ".qcow2");
        // qemu-ga logs "guest-fsfreeze called" to syslog: give the guest a syslogd writing to tmpfs.
        inGuest(ext, "busybox syslogd -O /run/messages; sleep 1; echo before > /mnt/data/before; sync");
        assertTrue(fsfreezeStatus(ext).contains("thawed"));
        // Observe the agent from outside while the job runs (libvirt may serialise us around its freeze).
        Set<String> seen = new ConcurrentSkipListSet<>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread poller = new Thread(() -> {
            while (!stop.get()) {
                Processes.Result r = Processes.run("virsh", "-c", LibvirtHost.URI, "qemu-agent-command", "--timeout", "5",
                        ext, "{\"execute\":\"guest-fsfreeze-status\"}");
                seen.add(r.out().contains("frozen") ? "frozen" : r.out().contains("thawed") ? "thawed" : "other");
            }
        });
        poller.start();
        JsonPath job;
        try {
            job = awaitSuccess(owner, snapshot(ext, "q1", "external", true));
        } finally {
            stop.set(true);
            poller.join();
        }
        assertTrue(job.getString("result").contains("quiesced"), job.getString("result"));
        assertEquals(List.of("q1"), DiskProbes.snapshotNames(ext));
        // The agent was asked to freeze, and the guest is thawed (and writable) again.
        String syslog = inGuest(ext, "cat /run/messages").out();
        assertTrue(syslog.contains("guest-fsfreeze called"), "the guest's syslog:\n" + syslog);
        assertTrue(fsfreezeStatus(ext).contains("thawed"), fsfreezeStatus(ext));
        inGuest(ext, "echo after-thaw > /mnt/data/after-thaw && sync");
        // The snapshot's image: clean for qemu-img, and its ext4 was frozen when taken: freezing
        // flushes the journal and clears needs_recovery, which a mounted ext4 (the live top) has set.
        assertTrue(DiskProbes.checkClean(image), "qemu-img check " + image);
        String frozen = ext4Features(image, true);
        assertFalse(frozen.contains("needs_recovery"), frozen);
        String live = ext4Features(DiskProbes.topOf(ext, "vda"), false);
        assertTrue(live.contains("needs_recovery"), "the mounted filesystem, for contrast: " + live);
        System.out.println("guest-fsfreeze-status seen during the snapshot job: " + seen);
    }

    @Test
    @Order(3)
    void externalRevertOfARunningVmShutsDownRevertsAndStartsInOneJob() {
        bootGuests();
        inGuest(ext, "echo lost > /mnt/data/after-q1 && sync");
        int boots = BootableGuest.bootCount(ext);
        // Without shutdown: true the running VM is still refused, and told how to ask.
        as(owner).body(Map.of("start", true)).post(vmPath(ext) + "/snapshots/q1/revert").then().statusCode(409)
                .body("message", containsString("shutdown: true"));
        // The page offers the same: the running VM's row has the shutdown options, checked for an external snapshot.
        io.restassured.filter.cookie.CookieFilter page = new io.restassured.filter.cookie.CookieFilter();
        Api.loginInto(page, owner, Api.passwordOf(owner));
        String html = io.restassured.RestAssured.given().filter(page).get("/vms/local/" + ext).then().statusCode(200)
                .extract().asString();
        String form = html.substring(html.indexOf("action=\"/vms/local/" + ext + "/snapshots/q1/revert\""));
        form = form.substring(0, form.indexOf("</form>"));
        assertTrue(form.contains("name=\"shutdown\" value=\"true\" checked") && form.contains("name=\"timeoutSeconds\"")
                && form.contains("name=\"csrf-token\""), form);
        Path topBefore = DiskProbes.topOf(ext, "vda");
        JsonPath j = awaitSuccess(owner, revert(ext, "q1", Map.of("shutdown", true, "start", true, "timeoutSeconds", 90)));
        String result = j.getString("result");
        assertTrue(result.contains("shut down gracefully") && result.contains("reverted to q1") && result.contains("VM started"),
                result);
        List<String> log = log(j);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("shutting " + ext + " down before the revert")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("starting " + ext)), log.toString());
        assertEquals("running", DiskProbes.state(ext));
        assertNotEquals(topBefore, DiskProbes.topOf(ext, "vda"));
        BootableGuest.awaitAgent(ext, Duration.ofSeconds(180));
        String files = inGuest(ext, "ls /mnt/data").out();
        assertFalse(files.contains("after-q1") || files.contains("after-thaw"), files);
        assertTrue(files.contains("before"), files);
        // q1 had one boot counted; this is the boot after the revert.
        assertEquals(2, BootableGuest.bootCount(ext), "boots before the revert: " + boots);
        assertTrue(auditActions(ext, "SUCCESS").contains("snapshot.revert"));
    }

    @Test
    @Order(4)
    void aGuestThatIgnoresShutdownFailsTheRevertAtTheTimeoutAndNothingChanges() {
        bootGuests();
        awaitSuccess(owner, snapshot(stubborn, "s1", "external", false));
        Path image = LibvirtHost.DIR.resolve(stubborn + ".qcow2");
        String path = vmPath(stubborn) + "/snapshots/s1/revert";
        for (Object bad : List.of(0, 3601, "30", 1.5)) {
            as(owner).body(Map.of("shutdown", true, "timeoutSeconds", bad)).post(path).then().statusCode(400)
                    .body("message", containsString("timeoutSeconds"));
        }
        as(owner).body(Map.of("shutdown", "yes")).post(path).then().statusCode(400);
        Map<String, String> before = Map.of("snapshots", String.join(",", DiskProbes.snapshotNames(stubborn)),
                "s1", LibvirtHost.virsh("snapshot-dumpxml", stubborn, "s1"),
                "domain", LibvirtHost.virsh("dumpxml", "--inactive", stubborn),
                "top", DiskProbes.topOf(stubborn, "vda").toString(), "image", DiskProbes.sha256(image));
        long t0 = System.currentTimeMillis();
        JsonPath j = awaitJob(owner, revert(stubborn, "s1", Map.of("shutdown", true, "start", true, "timeoutSeconds", 3)));
        assertEquals("FAILED", j.getString("state"), j.prettify());
        String error = j.getString("error");
        assertTrue(error.contains("did not shut down within 3 s") && error.contains("Nothing was reverted"), error);
        assertTrue(System.currentTimeMillis() - t0 < 60_000);
        assertEquals("running", DiskProbes.state(stubborn));
        Map<String, String> after = Map.of("snapshots", String.join(",", DiskProbes.snapshotNames(stubborn)),
                "s1", LibvirtHost.virsh("snapshot-dumpxml", stubborn, "s1"),
                "domain", LibvirtHost.virsh("dumpxml", "--inactive", stubborn),
                "top", DiskProbes.topOf(stubborn, "vda").toString(), "image", DiskProbes.sha256(image));
        assertEquals(before, after);
        assertTrue(auditActions(stubborn, "FAILED").contains("snapshot.revert"));

        // With force it is forced off at the timeout, reverted and started again.
        j = awaitSuccess(owner, revert(stubborn, "s1", Map.of("shutdown", true, "force", true, "start", true,
                "timeoutSeconds", 3)));
        assertTrue(j.getString("result").contains("forced off") && j.getString("result").contains("VM started"),
                j.getString("result"));
        assertEquals("running", DiskProbes.state(stubborn));
        assertNotEquals(before.get("top"), DiskProbes.topOf(stubborn, "vda").toString());
    }

    @Test
    @Order(5)
    void internalRevertWithShutdownShutsDownFirstAndTheDataIsGone() {
        bootGuests();
        inGuest(internal, "echo kept > /mnt/data/kept && sync");
        awaitSuccess(owner, snapshot(internal, "i1", "internal", false));
        inGuest(internal, "echo lost > /mnt/data/after-i1 && sync");
        JsonPath j = awaitSuccess(owner, revert(internal, "i1", Map.of("shutdown", true, "start", true)));
        String result = j.getString("result");
        assertTrue(result.contains("shut down gracefully") && result.contains("reverted to i1"), result);
        // The snapshot saved a running VM with its memory: libvirt resumes it from there.
        assertEquals("running", DiskProbes.state(internal));
        BootableGuest.awaitAgent(internal, Duration.ofSeconds(180));
        String files = inGuest(internal, "ls /mnt/data").out();
        assertFalse(files.contains("after-i1"), files);
        assertTrue(files.contains("kept"), files);
    }
}
