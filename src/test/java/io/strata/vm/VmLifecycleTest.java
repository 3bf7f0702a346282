package io.strata.vm;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import io.strata.support.VmBuilder;

/**
 * Shut down, force off, reboot, pause and resume on guests that really boot (TCG): the outcome is
 * read back from libvirt (virsh domstate) and from inside the guest (its boot count). Two guests
 * are booted once, together, and shared by the ordered test methods: one that shuts down on ACPI
 * and on its agent, one that ignores both.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmLifecycleTest {

    // This class's own users, made once: the guests are booted once for the whole class.
    static String OWNER;
    static String OTHER;
    static String AUDITOR;
    static String OPERATOR;

    private static String guest;
    private static String stubborn;

    @BeforeEach
    void users() {
        synchronized (VmLifecycleTest.class) {
            if (OWNER == null) {
                OWNER = Api.newUser("lc-owner", "user");
                OTHER = Api.newUser("lc-other", "user");
                AUDITOR = Api.newUser("lc-auditor", "auditor");
                OPERATOR = Api.newUser("lc-operator", "operator");
            }
        }
    }

    /** Both guests, booted in parallel the first time a test needs one. */
    static synchronized void bootGuests() {
        if (guest != null) {
            return;
        }
        String a = BootableGuest.define("lc-guest", OWNER, BootableGuest.Variant.NORMAL);
        String b = BootableGuest.define("lc-stubborn", OWNER, BootableGuest.Variant.IGNORES_SHUTDOWN);
        LibvirtHost.virsh("start", a);
        LibvirtHost.virsh("start", b);
        BootableGuest.awaitAgent(a, Duration.ofSeconds(180));
        BootableGuest.awaitAgent(b, Duration.ofSeconds(180));
        guest = a;
        stubborn = b;
    }

    static long post(String user, String vm, String op, Map<String, ?> body) {
        return as(user).body(body).post(vmPath(vm) + "/" + op).then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    static List<String> auditActions(String vm, String outcome) {
        return as(Api.ADMIN).queryParam("vm", vm).queryParam("outcome", outcome).queryParam("limit", 500)
                .get("/api/audit").then().statusCode(200).extract().jsonPath().getList("action", String.class);
    }

    @Test
    @Order(1)
    void badRequestsAndOtherUsersChangeNothing() {
        bootGuests();
        String path = vmPath(guest) + "/shutdown";
        for (Object bad : List.of(-1, 0, 3601, "30", 1.5, Long.MAX_VALUE)) {
            as(OWNER).body(Map.of("timeoutSeconds", bad)).post(path).then().statusCode(400)
                    .body("message", containsString("timeoutSeconds"));
        }
        as(OWNER).body(Map.of("force", "yes")).post(path).then().statusCode(400);
        as(OWNER).body(Map.of("mode", "magic")).post(path).then().statusCode(400);
        // Another user's VM does not exist for them; an auditor may look but not act.
        for (String op : List.of("shutdown", "destroy", "reboot", "suspend", "resume")) {
            as(OTHER).body(Map.of()).post(vmPath(guest) + "/" + op).then().statusCode(404);
            as(AUDITOR).body(Map.of()).post(vmPath(guest) + "/" + op).then().statusCode(403);
        }
        // A running VM cannot be resumed.
        as(OWNER).body(Map.of()).post(vmPath(guest) + "/resume").then().statusCode(409)
                .body("message", containsString("is running"));
        assertEquals("running", DiskProbes.state(guest));
        assertEquals(1, BootableGuest.bootCount(guest), "the guest was not restarted");
        as(Api.ADMIN).queryParam("vm", guest).get("/api/jobs").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(0));
        List<String> denied = auditActions(guest, "DENIED");
        assertTrue(denied.contains("vm.shutdown") && denied.contains("vm.destroy") && denied.contains("vm.resume"), denied.toString());
        assertTrue(auditActions(guest, "REFUSED").contains("vm.resume"));
    }

    @Test
    @Order(2)
    void pauseAndResumeReadBackFromLibvirt() {
        bootGuests();
        JsonPath j = awaitSuccess(OWNER, post(OWNER, guest, "suspend", Map.of()));
        assertTrue(j.getString("result").contains("paused"), j.getString("result"));
        assertEquals("paused", DiskProbes.state(guest));
        // Paused: no second pause, no reboot, no graceful shutdown (the guest cannot act).
        for (String op : List.of("suspend", "reboot", "shutdown")) {
            as(OWNER).body(Map.of()).post(vmPath(guest) + "/" + op).then().statusCode(409)
                    .body("message", containsString("is paused"));
        }
        // An operator may act on any VM.
        awaitSuccess(OPERATOR, post(OPERATOR, guest, "resume", Map.of()));
        assertEquals("running", DiskProbes.state(guest));
        assertTrue(BootableGuest.agentAnswers(guest), "the guest runs on after resume");
        List<String> ok = auditActions(guest, "SUCCESS");
        assertTrue(ok.contains("vm.suspend") && ok.contains("vm.resume"), ok.toString());
    }

    @Test
    @Order(3)
    void rebootRestartsTheGuest() {
        bootGuests();
        int before = BootableGuest.bootCount(guest);
        awaitSuccess(OWNER, post(OWNER, guest, "reboot", Map.of()));
        // The guest counts its boots on its disk: wait until the new boot counted itself.
        long deadline = System.currentTimeMillis() + 180_000;
        int now = before;
        while (now == before && System.currentTimeMillis() < deadline) {
            Api.sleep(1000);
            if (BootableGuest.agentAnswers(guest)) {
                try {
                    now = BootableGuest.bootCount(guest);
                } catch (AssertionError e) {
                    // the agent went away between ping and exec: the guest is rebooting
                }
            }
        }
        assertEquals(before + 1, now, "boot count inside the guest; console:\n" + BootableGuest.console(guest));
        assertEquals("running", DiskProbes.state(guest));
        assertTrue(auditActions(guest, "SUCCESS").contains("vm.reboot"));
    }

    @Test
    @Order(4)
    void gracefulShutdownEndsShutOffWithinItsTimeout() {
        bootGuests();
        BootableGuest.awaitAgent(guest, Duration.ofSeconds(120));
        long t0 = System.currentTimeMillis();
        JsonPath j = awaitSuccess(OWNER, post(OWNER, guest, "shutdown", Map.of("timeoutSeconds", 60, "mode", "acpi")));
        long took = System.currentTimeMillis() - t0;
        assertEquals("shut off", DiskProbes.state(guest));
        assertTrue(took < 60_000, "shut down in " + took + " ms");
        assertTrue(j.getString("result").contains("gracefully"), j.getString("result"));
        assertTrue(BootableGuest.console(guest).contains("power button"), "the guest saw the ACPI power button");
        // Shut off: nothing of the lifecycle but start fits.
        for (String op : List.of("shutdown", "destroy", "reboot", "suspend", "resume")) {
            as(OWNER).body(Map.of()).post(vmPath(guest) + "/" + op).then().statusCode(409)
                    .body("message", containsString("shut off"));
        }
        List<String> ok = auditActions(guest, "SUCCESS");
        assertTrue(ok.contains("vm.shutdown"), ok.toString());
        List<String> refused = auditActions(guest, "REFUSED");
        assertTrue(refused.contains("vm.destroy") && refused.contains("vm.shutdown"), refused.toString());
    }

    @Test
    @Order(5)
    void agentShutdownWorksToo() {
        bootGuests();
        LibvirtHost.virsh("start", guest);
        BootableGuest.awaitAgent(guest, Duration.ofSeconds(120));
        awaitSuccess(OWNER, post(OWNER, guest, "shutdown", Map.of("timeoutSeconds", 60, "mode", "agent")));
        assertEquals("shut off", DiskProbes.state(guest));
    }

    @Test
    @Order(6)
    void aGuestThatIgnoresShutdownFailsAtTheTimeoutOrIsForcedOff() {
        bootGuests();
        long t0 = System.currentTimeMillis();
        JsonPath j = awaitJob(OWNER, post(OWNER, stubborn, "shutdown", Map.of("timeoutSeconds", 5)));
        long took = System.currentTimeMillis() - t0;
        assertEquals("FAILED", j.getString("state"), j.prettify());
        assertTrue(j.getString("error").contains("did not shut down within 5 s"), j.getString("error"));
        assertTrue(took >= 5_000 && took < 30_000, "failed after " + took + " ms: " + j.prettify());
        assertEquals("running", DiskProbes.state(stubborn));
        assertTrue(BootableGuest.console(stubborn).contains("ignoring shutdown"), "the agent's shutdown reached the guest");
        assertTrue(auditActions(stubborn, "FAILED").contains("vm.shutdown"));

        j = awaitSuccess(OWNER, post(OWNER, stubborn, "shutdown", Map.of("timeoutSeconds", 3, "force", true, "mode", "acpi")));
        assertTrue(j.getString("result").contains("forced off"), j.getString("result"));
        assertEquals("shut off", DiskProbes.state(stubborn));
    }

    @Test
    @Order(7)
    void destroyForcesOffAtOnce() {
        // Any running domain will do; the blank one needs no boot.
        String vm = VmBuilder.defineVm("lc-plain", OWNER);
        LibvirtHost.virsh("start", vm);
        as(OTHER).post(vmPath(vm) + "/destroy").then().statusCode(404);
        assertEquals("running", DiskProbes.state(vm));
        JsonPath j = awaitSuccess(OWNER, post(OWNER, vm, "destroy", Map.of()));
        assertTrue(j.getString("result").contains("forced off"), j.getString("result"));
        assertEquals("shut off", DiskProbes.state(vm));
        as(OWNER).post(vmPath(vm) + "/destroy").then().statusCode(409).body("message", containsString("shut off"));
        List<String> accepted = auditActions(vm, "ACCEPTED");
        assertTrue(accepted.contains("vm.destroy"), accepted.toString());
        assertTrue(auditActions(vm, "SUCCESS").contains("vm.destroy"));
        assertTrue(auditActions(vm, "DENIED").contains("vm.destroy"));
    }
}
