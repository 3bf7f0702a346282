package io.strata.snapshot;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * Found by the fault suite (app killed 16.8 s into a 22 s offline delete with merge, seed
 * 6705570077203791711): the worker died after removing the snapshot's metadata but before removing
 * the merged overlay; the reconcile said "the delete completed" and left the overlay as an orphan.
 * Here the host is put in that state by hand (the commit, the repoint and the metadata removal the
 * dead worker did) and a stale RUNNING delete is reconciled: the overlay goes, the base stays.
 */
@QuarkusTest
class DeleteReconcileTest {

    @Test
    void anInterruptedDeleteRemovesTheMergedOverlayItLeft() throws Exception {
        String admin = Api.newUser("admin", "admin");
        String vm = VmBuilder.defineVm("delrec", admin);
        Path base = VmBuilder.diskOf(vm);
        Api.awaitSuccess(admin, Api.createExternal(admin, vm, "s0"));
        Path overlay = DiskProbes.topOf(vm, "vda");
        DiskProbes.writePattern(overlay, 0x22, "0", "4M");

        // What the dead worker had done: commit, repoint the VM to its base, remove the metadata.
        Processes.ok("qemu-img", "commit", "-q", overlay.toString());
        Path xml = LibvirtHost.DIR.resolve(vm + "-repointed.xml");
        Files.writeString(xml, LibvirtHost.virsh("dumpxml", "--inactive", vm).replace(overlay.toString(), base.toString()));
        LibvirtHost.virsh("define", xml.toString());
        LibvirtHost.virsh("snapshot-delete", vm, "s0", "--metadata");
        assertEquals(base, DiskProbes.topOf(vm, "vda"));

        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) "
                + "VALUES ('SNAPSHOT_DELETE', 'QUEUED', 'local', ?, 's0', ?, true,"
                + " '{\"kind\":\"EXTERNAL\",\"bandwidthMiB\":null}') RETURNING id", vm, admin);
        JsonPath job = Api.reconciledAsIfItsWorkerDied(admin, jobId);
        assertTrue(String.valueOf(job.getString("result")).contains("removed its merged overlay"), job.prettify());
        assertFalse(Files.exists(overlay), "the merged overlay is removed");
        assertTrue(Files.exists(base) && DiskProbes.hasPattern(base, 0x22, "0", "4M"), "the base keeps the data");
    }
}
