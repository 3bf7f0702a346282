package io.strata.disk;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static io.strata.support.DiskProbes.topOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/** DISK_CONVERT raw ⇄ qcow2 on real images: byte-for-byte equality, repointing, refusals. */
@QuarkusTest
class DiskConvertTest {

    /** This class's own accounts, new for each test. */
    String alice;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
    }

    private long convert(String vm, String format, boolean confirm) {
        return as(alice).body(Map.of("format", format, "confirmLoss", confirm)).post(vmPath(vm) + "/disks/vda/convert")
                .then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    @Test
    void rawToQcow2AndBackKeepsEveryByte() {
        String name = LibvirtHost.PREFIX + "conv";
        Path raw = LibvirtHost.DIR.resolve(name + ".img");
        Processes.ok("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "64M");
        Processes.ok("qemu-io", "-f", "raw", "-c", "write -P 0x3c 1M 5M", "-c", "write -P 0x7e 40M 64k", raw.toString());
        Path reference = LibvirtHost.DIR.resolve(name + "-reference.raw");
        Processes.ok("cp", "--sparse=always", raw.toString(), reference.toString());
        String vm = VmBuilder.defineVm(name, alice, raw, "raw");

        awaitSuccess(alice, convert(vm, "qcow2", false));
        Path qcow2 = topOf(vm, "vda");
        assertEquals(LibvirtHost.DIR.resolve(name + ".qcow2"), qcow2);
        assertTrue(LibvirtHost.virsh("dumpxml", vm).contains("type='qcow2'"), "the domain declares the new format");
        assertFalse(Files.exists(raw), "the old image is removed only after the switch");
        assertEquals(0, Processes.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", reference.toString(),
                qcow2.toString()).exit());

        awaitSuccess(alice, convert(vm, "raw", false));
        Path back = topOf(vm, "vda");
        assertEquals(0, Processes.run("qemu-img", "compare", "-f", "raw", "-F", "raw", reference.toString(),
                back.toString()).exit(), "qemu-img compare: identical");
        assertEquals(0, Processes.run("cmp", reference.toString(), back.toString()).exit(), "byte for byte");
    }

    @Test
    void internalSnapshotsAreLostOnlyWithConsentAndOtherCasesAreRefused() {
        String vm = VmBuilder.defineVm("convsnap", alice);
        as(alice).body(Map.of("format", "qcow2")).post(vmPath(vm) + "/disks/vda/convert").then().statusCode(409)
                .body("message", containsString("already qcow2"));
        as(alice).body(Map.of("format", "vmdk")).post(vmPath(vm) + "/disks/vda/convert").then().statusCode(400);
        awaitSuccess(alice, Api.createSnapshot(alice, vm, "keep-me", "x"));
        var before = DiskProbes.hostState(vm);
        as(alice).body(Map.of("format", "raw")).post(vmPath(vm) + "/disks/vda/convert").then().statusCode(409)
                .body("message", containsString("keep-me")).body("message", containsString("confirmLoss"));
        assertEquals(before, DiskProbes.hostState(vm), "refused: nothing changed");
        LibvirtHost.virsh("start", vm);
        as(alice).body(Map.of("format", "raw", "confirmLoss", true)).post(vmPath(vm) + "/disks/vda/convert").then()
                .statusCode(409).body("message", containsString("shut it down"));
        LibvirtHost.virsh("destroy", vm);
        awaitSuccess(alice, convert(vm, "raw", true));
        assertEquals(java.util.List.of(), DiskProbes.snapshotNames(vm), "the confirmed loss happened");
        assertTrue(LibvirtHost.virsh("dumpxml", vm).contains("type='raw'"));
    }
}
