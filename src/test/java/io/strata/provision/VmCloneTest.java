package io.strata.provision;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.BootableGuest;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TinyGuest;
import io.strata.support.VmBuilder;

/** Cloning any VM on the real libvirtd: refusals, shut-off, paused and external-chain sources, reset, boot. */
@QuarkusTest
class VmCloneTest {

    String owner;

    @BeforeEach
    void users() {
        owner = Api.newUser("cl-owner", "user");
    }

    static long clone(String user, String source, Map<String, ?> body) {
        return as(user).body(body).post(vmPath(source) + "/clone").then().log().ifValidationFails().statusCode(202)
                .extract().jsonPath().getLong("jobId");
    }

    static boolean defined(String vm) {
        return LibvirtHost.tryVirsh("dominfo", vm).exit() == 0;
    }

    static Path diskOf(String vm) {
        return LibvirtHost.DIR.resolve(vm + ".qcow2");
    }

    static List<String> auditActions(String vm) {
        return as(Api.ADMIN).queryParam("vm", vm).queryParam("limit", 500).get("/api/audit").then().statusCode(200)
                .extract().jsonPath().getList("action", String.class);
    }

    @Test
    void refusalsCreateNothingAndAPausedSourceIsCloned() {
        String src = VmBuilder.defineVm("cl-live", owner);
        String c1 = LibvirtHost.PREFIX + "cl-live-copy";
        DiskProbes.writePattern(diskOf(src), 0x5a, "0", "1M");
        LibvirtHost.virsh("start", src);
        try {
            as(owner).body(Map.of("name", c1)).post(vmPath(src) + "/clone").then().statusCode(409)
                    .body("message", containsString("is running"));
            String other = Api.newUser("cl-other", "user");
            String auditor = Api.newUser("cl-auditor", "auditor");
            as(other).body(Map.of("name", c1)).post(vmPath(src) + "/clone").then().statusCode(404);
            as(auditor).body(Map.of("name", c1)).post(vmPath(src) + "/clone").then().statusCode(403);
            as(owner).body(Map.of("name", "bad/name")).post(vmPath(src) + "/clone").then().statusCode(400);
            as(owner).body(Map.of()).post(vmPath(src) + "/clone").then().statusCode(400);
            as(owner).body(Map.of("name", src)).post(vmPath(src) + "/clone").then().statusCode(409)
                    .body("message", containsString("already taken"));
            assertFalse(Files.exists(diskOf(c1)), "no file was made");
            assertFalse(defined(c1), "no domain was defined");

            LibvirtHost.virsh("suspend", src);
            String before = DiskProbes.sha256(diskOf(src));
            JsonPath j = awaitSuccess(owner, clone(owner, src, Map.of("name", c1)));
            assertTrue(j.getString("result").contains("qemu-img convert") || j.getString("result").contains("reflink"),
                    j.getString("result"));
            assertEquals("paused", DiskProbes.state(src), "the source stays paused");
            assertEquals(before, DiskProbes.sha256(diskOf(src)), "the source was not written");
            assertEquals(List.of(diskOf(c1).toString()), DiskProbes.backingChain(diskOf(c1)));
            assertTrue(DiskProbes.hasPattern(diskOf(c1), 0x5a, "0", "1M"), "the clone holds the source's data");
            assertTrue(LibvirtHost.virsh("dumpxml", c1).contains("owner=\"" + owner + "\""));
        } finally {
            LibvirtHost.tryVirsh("destroy", src);
        }
        List<String> audit = auditActions(src);
        assertTrue(audit.stream().filter("vm.clone"::equals).count() >= 5, audit.toString());
    }

    @Test
    void aShutOffGuestIsResetIntoADifferentMachine() {
        String src = VmBuilder.defineGuestVm("cl-guest", owner);
        String c = LibvirtHost.PREFIX + "cl-guest-reset";
        String before = DiskProbes.sha256(diskOf(src));
        String srcXml = LibvirtHost.virsh("dumpxml", src);
        JsonPath j = awaitSuccess(owner, clone(owner, src, Map.of("name", c, "reset", true, "hostname", "twin")));
        assertTrue(j.getList("log.line", String.class).stream().anyMatch(l -> l.contains("Performing \"machine-id\"")),
                "virt-sysprep ran");
        assertEquals(before, DiskProbes.sha256(diskOf(src)), "the source was not written");
        assertEquals(List.of(diskOf(c).toString()), DiskProbes.backingChain(diskOf(c)));
        List<String> guestFiles = TinyGuest.files(diskOf(c), "/etc/machine-id", "/etc/hostname");
        assertFalse(guestFiles.contains(TinyGuest.MACHINE_ID), "machine-id reset: " + guestFiles);
        assertTrue(guestFiles.contains("twin"), "hostname: " + guestFiles);
        String xml = LibvirtHost.virsh("dumpxml", c);
        assertNotEquals(LibvirtHost.virsh("domuuid", src).strip(), LibvirtHost.virsh("domuuid", c).strip());
        assertTrue(srcXml.contains(TinyGuest.MAC) && !xml.contains(TinyGuest.MAC) && xml.contains("<mac address="),
                "a new MAC");
        as(owner).get(vmPath(c)).then().statusCode(200).body("owner", org.hamcrest.Matchers.is(owner));
    }

    @Test
    void anExternalChainIsClonedFlattenedWithItsCurrentData() {
        String src = VmBuilder.defineVm("cl-chain", owner);
        DiskProbes.writePattern(diskOf(src), 0x11, "0", "1M");
        awaitSuccess(owner, Api.createExternal(owner, src, "s1"));
        Path top = DiskProbes.topOf(src, "vda");
        assertEquals(2, DiskProbes.backingChain(top).size());
        DiskProbes.writePattern(top, 0x22, "1M", "1M");
        Map<String, String> before = new HashMap<>();
        for (String f : DiskProbes.backingChain(top)) {
            before.put(f, DiskProbes.sha256(Path.of(f)));
        }
        // An operator clones a user's VM: the clone is the operator's.
        String operator = Api.newUser("cl-operator", "operator");
        String c = LibvirtHost.PREFIX + "cl-chain-copy";
        JsonPath j = awaitSuccess(operator, clone(operator, src, Map.of("name", c)));
        assertTrue(j.getString("result").contains("flattened"), j.getString("result"));
        assertEquals(List.of(diskOf(c).toString()), DiskProbes.backingChain(diskOf(c)), "no backing file");
        assertTrue(DiskProbes.hasPattern(diskOf(c), 0x11, "0", "1M"), "data from the base");
        assertTrue(DiskProbes.hasPattern(diskOf(c), 0x22, "1M", "1M"), "data from the top overlay");
        before.forEach((f, sum) -> assertEquals(sum, DiskProbes.sha256(Path.of(f)), f + " unchanged"));
        assertTrue(LibvirtHost.virsh("dumpxml", c).contains("owner=\"" + operator + "\""));
        assertEquals(List.of(), DiskProbes.snapshotNames(c), "snapshots are not cloned");
    }

    @Test
    void aBootableGuestsCloneBoots() {
        String src = BootableGuest.define("cl-boot", owner, BootableGuest.Variant.NORMAL);
        String c = LibvirtHost.PREFIX + "cl-boot-copy";
        awaitSuccess(owner, clone(owner, src, Map.of("name", c, "start", true)));
        try {
            assertEquals("running", DiskProbes.state(c));
            assertEquals("shut off", DiskProbes.state(src));
            BootableGuest.awaitAgent(c, Duration.ofSeconds(180));
            assertEquals(1, BootableGuest.bootCount(c), "the clone boots from its own disk");
        } finally {
            LibvirtHost.tryVirsh("destroy", c);
        }
    }

    @Test
    void quotaAndAFailedCustomisationLeaveNothing() {
        String src = VmBuilder.defineVm("cl-quota", owner);
        String c = LibvirtHost.PREFIX + "cl-quota-copy";
        as(Api.ADMIN).body(Map.of("maxVms", 1)).put("/api/users/" + owner + "/quota").then().statusCode(200);
        as(owner).body(Map.of("name", c)).post(vmPath(src) + "/clone").then().statusCode(403)
                .body("message", allOf(containsString("you own 1 VM(s)"), containsString("your limit is 1")));
        as(Api.ADMIN).body(new HashMap<>(Map.of())).put("/api/users/" + owner + "/quota").then().statusCode(200);
        // A blank disk has no operating system: virt-customize fails, and the clone's files go.
        JsonPath j = awaitJob(owner, clone(owner, src, Map.of("name", c, "hostname", "nope")));
        assertEquals("FAILED", j.getString("state"), j.getString("result"));
        assertFalse(Files.exists(diskOf(c)), "the clone's disk was removed");
        assertFalse(defined(c));
        assertTrue(Files.exists(diskOf(src)) && defined(src), "the source stays");
    }
}
