package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.createSnapshot;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Internal snapshots end to end: API → job → worker → real libvirtd, data checked with qemu-io. */
@QuarkusTest
class InternalSnapshotTest {

    /** This class's own accounts, new for each test. */
    String alice;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
    }

    @Test
    void runningVmSnapshotRevertRestoresDataAndDeleteRemovesIt() {
        String vm = VmBuilder.defineVm("life", alice);
        Path disk = VmBuilder.diskOf(vm);
        LibvirtHost.virsh("start", vm);

        long job = createSnapshot(alice, vm, "before-change", "clean disk");
        JsonPath done = awaitSuccess(alice, job);
        assertTrue(done.getList("log.line", String.class).stream().anyMatch(l -> l.contains("with memory state")));
        assertEquals(List.of("before-change"), DiskProbes.snapshotNames(vm), "virsh snapshot-list");

        // The tree comes back through the API with the current marker.
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200)
                .body("name", hasItem("before-change")).body("[0].current", org.hamcrest.Matchers.is(true))
                .body("[0].kind", org.hamcrest.Matchers.is("internal"))
                .body("[0].description", org.hamcrest.Matchers.is("clean disk"));

        // Write data after the snapshot, with the VM shut off.
        LibvirtHost.virsh("destroy", vm);
        DiskProbes.writePattern(disk, 0xab, "0", "64k");
        assertTrue(DiskProbes.hasPattern(disk, 0xab, "0", "64k"));

        long revert = as(alice).post(vmPath(vm) + "/snapshots/before-change/revert").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, revert);
        // A snapshot of a running VM brings the VM back running; stop it to read its disk.
        assertEquals("running", DiskProbes.state(vm));
        LibvirtHost.virsh("destroy", vm);
        assertFalse(DiskProbes.hasPattern(disk, 0xab, "0", "64k"), "data written after the snapshot is gone");
        assertTrue(DiskProbes.hasPattern(disk, 0x00, "0", "64k"), "the snapshot's (blank) data is back");

        long delete = as(alice).delete(vmPath(vm) + "/snapshots/before-change").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, delete);
        assertEquals(List.of(), DiskProbes.snapshotNames(vm), "virsh snapshot-list after delete");
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
    }

    @Test
    void shutOffVmSnapshotsFormATreeAndRevertKeepsItShutOff() {
        String vm = VmBuilder.defineVm("off", alice);
        Path disk = VmBuilder.diskOf(vm);
        awaitSuccess(alice, createSnapshot(alice, vm, "s1", "first"));
        DiskProbes.writePattern(disk, 0x11, "0", "64k");
        awaitSuccess(alice, createSnapshot(alice, vm, "s2", "second"));
        DiskProbes.writePattern(disk, 0x22, "0", "64k");

        JsonPath tree = as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200).extract().jsonPath();
        assertEquals("s1", tree.getString("[0].name"));
        assertEquals("s2", tree.getString("[0].children[0].name"));
        assertEquals("s1", tree.getString("[0].children[0].parent"));
        assertTrue(tree.getBoolean("[0].children[0].current"));

        long revert = as(alice).post(vmPath(vm) + "/snapshots/s2/revert").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, revert);
        assertEquals("shut off", DiskProbes.state(vm));
        assertTrue(DiskProbes.hasPattern(disk, 0x11, "0", "64k"), "s2 holds the data written before it");

        revert = as(alice).post(vmPath(vm) + "/snapshots/s1/revert").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, revert);
        assertTrue(DiskProbes.hasPattern(disk, 0x00, "0", "64k"), "s1 is the blank disk");

        // Deleting the parent re-parents the child.
        awaitSuccess(alice, as(alice).delete(vmPath(vm) + "/snapshots/s1").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
        assertEquals(List.of("s2"), DiskProbes.snapshotNames(vm));
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200)
                .body("[0].name", org.hamcrest.Matchers.is("s2")).body("[0].parent", org.hamcrest.Matchers.nullValue());
    }
}
