package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.createExternal;
import static io.strata.support.Api.deleteSnapshot;
import static io.strata.support.Api.revert;
import static io.strata.support.Api.vmPath;
import static io.strata.support.DiskProbes.backingChain;
import static io.strata.support.DiskProbes.hasPattern;
import static io.strata.support.DiskProbes.topOf;
import static io.strata.support.DiskProbes.writePattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/**
 * External snapshots end to end against the real libvirtd: a chain base ← s1 ← s2 ← s3 with a
 * distinct pattern written between snapshots, proven with qemu-io reads and qemu-img chains.
 */
@QuarkusTest
class ExternalSnapshotTest {

    static final String K64 = "64k";

    /** This class's own accounts, new for each test. */
    String alice;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
    }

    /** Writes {@code pattern} into whatever file the shut-off VM's vda uses now. */
    static void write(String vm, int pattern) {
        writePattern(topOf(vm, "vda"), pattern, "0", K64);
    }

    static boolean reads(String vm, int pattern) {
        return hasPattern(topOf(vm, "vda"), pattern, "0", K64);
    }

    @Test
    void chainRevertDeleteAndMergeAllOnAShutOffVm() {
        String vm = VmBuilder.defineVm("chain", alice);
        Path base = VmBuilder.diskOf(vm);
        Path s1File = base.resolveSibling(vm + ".s1");
        write(vm, 0x01);
        JsonPath created = awaitSuccess(alice, createExternal(alice, vm, "s1"));
        assertTrue(created.getList("log.line", String.class).stream().anyMatch(l -> l.contains("disks are consistent")));
        assertEquals(s1File, topOf(vm, "vda"), "the overlay is placed beside the disk, named after the snapshot");
        write(vm, 0x02);
        awaitSuccess(alice, createExternal(alice, vm, "s2"));
        write(vm, 0x03);
        awaitSuccess(alice, createExternal(alice, vm, "s3"));
        write(vm, 0x04);
        Path s3File = base.resolveSibling(vm + ".s3");
        assertEquals(List.of(s3File.toString(), base.resolveSibling(vm + ".s2").toString(), s1File.toString(),
                base.toString()), backingChain(topOf(vm, "vda")), "base ← s1 ← s2 ← s3");
        assertEquals(List.of("s1", "s2", "s3"), DiskProbes.snapshotNames(vm));

        // The tree: external kind, parent/child, current marker, files and overlay sizes.
        JsonPath tree = as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200).extract().jsonPath();
        assertEquals("s1", tree.getString("[0].name"));
        assertEquals("external", tree.getString("[0].kind"));
        assertEquals("s2", tree.getString("[0].children[0].name"));
        assertEquals("s3", tree.getString("[0].children[0].children[0].name"));
        assertTrue(tree.getBoolean("[0].children[0].children[0].current"));
        assertTrue(tree.getString("[0].files[0]").contains(vm + ".s1"), tree.getString("[0].files[0]"));
        assertTrue(tree.getLong("[0].overlayBytes") > 64 * 1024, "s1's overlay holds the 64k written after it: "
                + tree.getLong("[0].overlayBytes"));

        // Revert to s2: exactly s2's data, the unsaved top layer is gone, s3's data is kept.
        JsonPath r = awaitSuccess(alice, revert(alice, vm, "s2", false));
        Path afterRevert = topOf(vm, "vda");
        assertEquals(s1File.toString(), backingChain(afterRevert).get(1), "a fresh overlay on s2's image");
        assertTrue(reads(vm, 0x02), "s2's data");
        assertFalse(Files.exists(s3File), "the unsaved top layer was discarded: " + r.getString("result"));
        assertTrue(Files.exists(base.resolveSibling(vm + ".s2")), "s3's data is kept");
        assertEquals("s2", DiskProbes.currentSnapshot(vm));
        assertEquals("shut off", DiskProbes.state(vm));
        write(vm, 0x05);

        // Revert to s3 afterwards is still possible.
        awaitSuccess(alice, revert(alice, vm, "s3", false));
        assertTrue(reads(vm, 0x03), "s3's data");
        assertFalse(Files.exists(afterRevert), "the previous revert's overlay was the unsaved top: removed");
        assertEquals("s3", DiskProbes.currentSnapshot(vm));

        // Delete s2: its overlay merges into s1's, s3's data stays intact.
        JsonPath del = awaitSuccess(alice, deleteSnapshot(alice, vm, "s2"));
        assertFalse(Files.exists(base.resolveSibling(vm + ".s2")), del.getString("result"));
        assertEquals(List.of("s1", "s3"), DiskProbes.snapshotNames(vm));
        assertTrue(reads(vm, 0x03), "the VM still reads s3's data");
        assertEquals(List.of(topOf(vm, "vda").toString(), s1File.toString(), base.toString()), backingChain(topOf(vm, "vda")));
        assertTrue(LibvirtHost.virsh("snapshot-dumpxml", vm, "s3").contains(s1File.toString()), "s3 now finds its data in s1's overlay");
        awaitSuccess(alice, revert(alice, vm, "s3", false));
        assertTrue(reads(vm, 0x03), "revert to s3 still gives s3's data after s2 was deleted");
        write(vm, 0x06);

        // Merge all: the base holds the newest data, the domain uses it, no overlay is left.
        JsonPath merged = awaitSuccess(alice, as(alice).post(vmPath(vm) + "/merge").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
        assertEquals(base, topOf(vm, "vda"), merged.getString("result"));
        assertTrue(hasPattern(base, 0x06, "0", K64), "the base holds the newest data");
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
        assertEquals(List.of(base.toString()), backingChain(base));
        try (var files = Files.list(LibvirtHost.DIR)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(vm + "."))
                    .filter(n -> !n.endsWith(".xml")).toList();
            assertEquals(List.of(vm + ".qcow2"), left, "no overlay file of the chain is left");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(DiskProbes.checkClean(base), "qemu-img check is clean");
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
    }

    @Test
    void runningVmCreateLiveCommitActiveCommitWithPivotAndMergeAll() {
        String vm = VmBuilder.defineVm("live", alice);
        Path base = VmBuilder.diskOf(vm);
        write(vm, 0x0a);
        LibvirtHost.virsh("start", vm);
        JsonPath r1 = awaitSuccess(alice, createExternal(alice, vm, "r1"));
        assertTrue(r1.getList("log.line", String.class).stream().anyMatch(l -> l.contains("crash-consistent")),
                "without quiesce the job says the snapshot is crash-consistent");
        Path r1File = base.resolveSibling(vm + ".r1");
        assertEquals(r1File, topOf(vm, "vda"));
        DiskProbes.writePatternLive(vm, "vda", 0x0b, "0", K64);
        awaitSuccess(alice, createExternal(alice, vm, "r2"));
        Path r2File = base.resolveSibling(vm + ".r2");
        DiskProbes.writePatternLive(vm, "vda", 0x0c, "0", K64);
        assertEquals("running", DiskProbes.state(vm));

        // Delete r1 while running: a live (non-active) commit of r1's overlay into the base.
        JsonPath d1 = awaitSuccess(alice, deleteSnapshot(alice, vm, "r1"));
        assertFalse(Files.exists(r1File), d1.getString("result"));
        assertEquals(List.of(r2File.toString(), base.toString()), backingChain(r2File));
        assertTrue(LibvirtHost.virsh("snapshot-dumpxml", vm, "r2").contains(base.toString()));

        // Delete r2 while running: active commit with pivot; the VM ends up on its base.
        JsonPath d2 = awaitSuccess(alice, deleteSnapshot(alice, vm, "r2"));
        assertTrue(d2.getString("result").contains("pivot"), d2.getString("result"));
        assertEquals(base, topOf(vm, "vda"));
        assertFalse(Files.exists(r2File));
        assertEquals("running", DiskProbes.state(vm));

        // Merge all while running: two more snapshots go back into the base in one job.
        awaitSuccess(alice, createExternal(alice, vm, "r3"));
        DiskProbes.writePatternLive(vm, "vda", 0x0d, "0", K64);
        awaitSuccess(alice, createExternal(alice, vm, "r4"));
        DiskProbes.writePatternLive(vm, "vda", 0x0e, "0", K64);
        awaitSuccess(alice, as(alice).post(vmPath(vm) + "/merge").then().statusCode(202).extract().jsonPath()
                .getLong("jobId"));
        assertEquals(base, topOf(vm, "vda"));
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
        LibvirtHost.virsh("destroy", vm);
        assertEquals(base, topOf(vm, "vda"), "the persistent definition follows the pivot");
        assertTrue(hasPattern(base, 0x0e, "0", K64), "the base holds the newest data written through the VM");
        assertTrue(DiskProbes.checkClean(base));
        assertFalse(Files.exists(base.resolveSibling(vm + ".r3")));
        assertFalse(Files.exists(base.resolveSibling(vm + ".r4")));
    }

    @Test
    void quiesceWithoutGuestAgentFailsAndCreatesNothing() {
        String vm = VmBuilder.defineVm("quiesce", alice);
        // Refused at once on a shut-off VM.
        as(alice).body(java.util.Map.of("name", "q", "kind", "external", "quiesce", true))
                .post(vmPath(vm) + "/snapshots").then().statusCode(409)
                .body("message", org.hamcrest.Matchers.containsString("guest agent"));
        LibvirtHost.virsh("start", vm);
        long job = as(alice).body(java.util.Map.of("name", "q", "kind", "external", "quiesce", true))
                .post(vmPath(vm) + "/snapshots").then().statusCode(202).extract().jsonPath().getLong("jobId");
        JsonPath j = awaitJob(alice, job);
        assertEquals("FAILED", j.getString("state"));
        assertTrue(j.getString("error").contains("agent"), j.getString("error"));
        assertTrue(j.getString("error").contains("does not fall back"), j.getString("error"));
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
        assertFalse(Files.exists(VmBuilder.diskOf(vm).resolveSibling(vm + ".q")), "no overlay left behind");
        assertEquals(VmBuilder.diskOf(vm), topOf(vm, "vda"));
    }

    @Test
    void revertOfARunningVmIsRefusedUntilItIsShutOff() {
        String vm = VmBuilder.defineVm("revrun", alice);
        awaitSuccess(alice, createExternal(alice, vm, "a"));
        LibvirtHost.virsh("start", vm);
        var before = DiskProbes.hostState(vm);
        as(alice).body(java.util.Map.of("start", true)).post(vmPath(vm) + "/snapshots/a/revert").then().statusCode(409)
                .body("message", org.hamcrest.Matchers.containsString("shut it down first"));
        assertEquals(before, DiskProbes.hostState(vm));
        LibvirtHost.virsh("destroy", vm);
        JsonPath r = awaitSuccess(alice, revert(alice, vm, "a", true));
        assertTrue(r.getString("result").contains("VM started"), r.getString("result"));
        assertEquals("running", DiskProbes.state(vm));
        assertNotEquals(VmBuilder.diskOf(vm), topOf(vm, "vda"));
    }
}
