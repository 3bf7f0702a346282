package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.createExternal;
import static io.strata.support.Api.deleteSnapshot;
import static io.strata.support.Api.revert;
import static io.strata.support.Api.vmPath;
import static io.strata.support.DiskProbes.hasPattern;
import static io.strata.support.DiskProbes.hostState;
import static io.strata.support.DiskProbes.topOf;
import static io.strata.support.DiskProbes.writePattern;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * What external snapshot operations refuse, and what a failure or a cancel leaves: in every case
 * the files (by SHA-256), the domain XML and the snapshot metadata are compared before and after.
 */
@QuarkusTest
class ExternalSafetyTest {

    /** This class's own accounts, new for each test. */
    String alice;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
    }

    private void refused(String vm, String method, String path, String why) {
        Map<String, String> before = hostState(vm);
        var req = as(alice);
        var resp = method.equals("DELETE") ? req.delete(vmPath(vm) + path) : req.post(vmPath(vm) + path);
        resp.then().statusCode(409).body("message", containsString(why));
        assertEquals(before, hostState(vm), "a refusal changes nothing: files, domain XML, snapshot metadata");
        long audited = TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE outcome = 'REFUSED' AND target LIKE '%"
                + vm + "%' AND details LIKE '%" + why.replace("'", "''") + "%'");
        assertTrue(audited > 0, "the refusal is audited");
    }

    @Test
    void aSnapshotWhoseImageIsTheBaseOfSeveralChainsIsNotDeleted() {
        String vm = VmBuilder.defineVm("branch", alice);
        awaitSuccess(alice, createExternal(alice, vm, "b1"));
        awaitSuccess(alice, createExternal(alice, vm, "b2"));
        // Back to b1: the base now carries b1's overlay (b2's data) and the VM's new overlay.
        awaitSuccess(alice, revert(alice, vm, "b1", false));
        refused(vm, "DELETE", "/snapshots/b1", "several children");
    }

    @Test
    void internalSnapshotsMixedIntoAnExternalChainAreRefused() {
        String vm = VmBuilder.defineVm("mixed", alice);
        awaitSuccess(alice, createExternal(alice, vm, "e1"));
        LibvirtHost.virsh("snapshot-create-as", vm, "i1"); // by hand: stored inside e1's overlay
        refused(vm, "DELETE", "/snapshots/e1", "internal snapshots (i1)");
        refused(vm, "POST", "/merge", "internal snapshots (i1)");
        refused(vm, "POST", "/snapshots/e1/revert", "internal snapshots (i1)");
        // Strata itself does not mix them either way.
        as(alice).body(Map.of("name", "i2", "kind", "internal")).post(vmPath(vm) + "/snapshots").then().statusCode(409)
                .body("message", containsString("external snapshots"));
    }

    @Test
    void aFileAnotherDomainUsesIsNeverMergedInto() {
        String vm = VmBuilder.defineVm("shared", alice);
        Path base = VmBuilder.diskOf(vm);
        awaitSuccess(alice, createExternal(alice, vm, "x1"));
        // Someone stacked another VM on this VM's base image.
        Path other = LibvirtHost.DIR.resolve(LibvirtHost.PREFIX + "borrower.qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", other.toString());
        String borrower = VmBuilder.defineVm(LibvirtHost.PREFIX + "borrower", null, other, "qcow2");
        refused(vm, "DELETE", "/snapshots/x1", "VM " + borrower + " also uses");
        refused(vm, "POST", "/merge", "VM " + borrower + " also uses");
    }

    @Test
    void aRevertThatFailsHalfWayLeavesTheDomainAndFilesAsTheyWere() throws IOException {
        String vm = VmBuilder.defineVmWithTwoDisks("halfway", alice);
        awaitSuccess(alice, createExternal(alice, vm, "h1"));
        writePattern(topOf(vm, "vda"), 0x31, "0", "64k");
        writePattern(topOf(vm, "vdb"), 0x32, "0", "64k");
        awaitSuccess(alice, createExternal(alice, vm, "h2"));
        // vdb's image of h2 gets a corrupt L1 entry: it still opens, but qemu-img check fails.
        // vda is handled first, so its new overlay exists when the failure comes.
        Path vdbImage = topOf(vm, "vdb").resolveSibling(LibvirtHost.PREFIX + "halfway-data.h1");
        corruptFirstL1Entry(vdbImage);
        Map<String, String> before = hostState(vm);

        JsonPath j = awaitJob(alice, revert(alice, vm, "h2", false));
        assertEquals("FAILED", j.getString("state"));
        assertTrue(j.getString("error").contains("qemu-img check"), j.getString("error"));
        assertTrue(j.getList("log.line", String.class).stream().anyMatch(l -> l.startsWith("vda: new overlay")),
                "the failure came after vda's overlay was made");
        assertEquals(before, hostState(vm), "domain XML, snapshot metadata and every file are as before");
        assertEquals("h2", DiskProbes.currentSnapshot(vm));
    }

    /** Points the image's first L1 entry at an unaligned offset (qcow2 header: l1_table_offset at byte 40). */
    private static void corruptFirstL1Entry(Path image) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(40);
            long l1 = f.readLong();
            f.seek(l1);
            f.writeLong(0x8000000000000201L);
        }
    }

    @Test
    void aCancelledMergeLeavesTheChainAsItWasAndMarksTheSnapshot() {
        String vm = VmBuilder.defineVm("mergecancel", alice);
        Path base = VmBuilder.diskOf(vm);
        awaitSuccess(alice, createExternal(alice, vm, "c1"));
        writePattern(topOf(vm, "vda"), 0x44, "0", "24M");
        String domainBefore = LibvirtHost.virsh("dumpxml", "--inactive", vm);
        Path overlay = topOf(vm, "vda");
        String overlaySum = DiskProbes.sha256(overlay);

        // 1 MiB/s: the merge of 24 MiB takes long enough to be cancelled half-way.
        long job = as(alice).delete(vmPath(vm) + "/snapshots/c1?bandwidth=1").then().statusCode(202).extract()
                .jsonPath().getLong("jobId");
        awaitProgress(job);
        as(alice).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
        JsonPath j = awaitJob(alice, job);
        assertEquals("CANCELLED", j.getString("state"), j.getString("error"));
        assertTrue(j.getString("error").contains("read exactly as before"), j.getString("error"));
        assertEquals(domainBefore, LibvirtHost.virsh("dumpxml", "--inactive", vm), "the domain is as it was");
        assertEquals(overlaySum, DiskProbes.sha256(overlay), "the overlay is untouched");
        assertTrue(hasPattern(overlay, 0x44, "0", "24M"), "the VM reads exactly what it read before");
        assertEquals(List.of("c1"), DiskProbes.snapshotNames(vm));

        // The snapshot's image took part of the data: it shows as partly merged and revert is refused.
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200)
                .body("[0].partlyMerged", containsString("cancelled"));
        as(alice).post(vmPath(vm) + "/snapshots/c1/revert").then().statusCode(409)
                .body("message", containsString("no longer holds its point in time"));

        // Deleting it again finishes the merge.
        awaitSuccess(alice, deleteSnapshot(alice, vm, "c1"));
        assertEquals(base, topOf(vm, "vda"));
        assertTrue(hasPattern(base, 0x44, "0", "24M"));
        as(alice).get(vmPath(vm) + "/snapshots").then().statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
    }

    @Test
    void aCancelledLiveCommitAbortsTheBlockJobAndKeepsTheOverlay() {
        String vm = VmBuilder.defineVm("cancellive", alice);
        LibvirtHost.virsh("start", vm);
        awaitSuccess(alice, createExternal(alice, vm, "l1"));
        Path overlay = topOf(vm, "vda");
        DiskProbes.writePatternLive(vm, "vda", 0x55, "0", "24M");
        long job = as(alice).post(vmPath(vm) + "/merge?bandwidth=1").then().statusCode(202).extract()
                .jsonPath().getLong("jobId");
        awaitProgress(job);
        as(alice).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
        JsonPath j = awaitJob(alice, job);
        assertEquals("CANCELLED", j.getString("state"), j.getString("error"));
        assertEquals(overlay, topOf(vm, "vda"), "no pivot: the VM still writes to its overlay");
        assertTrue(LibvirtHost.virsh("blockjob", vm, "vda", "--info").contains("No current block job"),
                "the block job was aborted");
        assertEquals(List.of("l1"), DiskProbes.snapshotNames(vm));
        LibvirtHost.virsh("destroy", vm);
        assertTrue(hasPattern(overlay, 0x55, "0", "24M"));
    }

    private void awaitProgress(long job) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath p = as(alice).get("/api/jobs/" + job).then().extract().jsonPath();
            if ("RUNNING".equals(p.getString("state")) && p.getInt("progress") > 5) {
                return;
            }
            Api.sleep(50);
        }
        throw new AssertionError("job " + job + " showed no progress");
    }
}
