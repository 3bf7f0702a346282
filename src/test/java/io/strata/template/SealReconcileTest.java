package io.strata.template;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * A seal whose worker died after renaming the disks (link + unlink) and before recording the
 * template left the VM defined on files that were gone, and the template- images recorded by
 * nothing (the fault suite's template-seal kind checks for that). The host is put in that state by
 * hand: vda renamed and made read-only, vdb cut between the link and the unlink (two names). The
 * reconcile of the stale job renames them back, so the VM reads its own disks again.
 */
@QuarkusTest
class SealReconcileTest {

    @Test
    void anInterruptedSealRenamesTheDisksBack() throws Exception {
        String admin = Api.newUser("admin", "admin");
        String vm = VmBuilder.defineVmWithTwoDisks("sealrec", admin);
        String template = "template-" + vm;
        Path vda = VmBuilder.diskOf(vm);
        Path vdb = LibvirtHost.DIR.resolve(vm + "-data.qcow2");
        DiskProbes.writePattern(vda, 0x11, "0", "1M");
        DiskProbes.writePattern(vdb, 0x22, "0", "1M");
        Path sealedVda = LibvirtHost.DIR.resolve(template + ".qcow2");
        Path sealedVdb = LibvirtHost.DIR.resolve(template + "-vdb.qcow2");

        // What the dead worker had done: vda renamed (ImageFiles.move) and made read-only; vdb linked only.
        Files.createLink(sealedVda, vda);
        Files.delete(vda);
        Files.setPosixFilePermissions(sealedVda, PosixFilePermissions.fromString("r--r--r--"));
        Files.createLink(sealedVdb, vdb);

        JsonPath job = reconciledSeal(admin, vm, template);
        assertTrue(String.valueOf(job.getString("result")).contains("renamed " + sealedVda + " back"), job.prettify());
        assertFalse(Files.exists(sealedVda), "no template- image is left");
        assertFalse(Files.exists(sealedVdb), "no second name is left");
        assertEquals(vda, DiskProbes.topOf(vm, "vda"));
        assertTrue(DiskProbes.hasPattern(vda, 0x11, "0", "1M"), "vda reads its data");
        assertTrue(DiskProbes.hasPattern(vdb, 0x22, "0", "1M"), "vdb reads its data");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(vda)), "writable again");
        assertTrue(DiskProbes.checkClean(vda) && DiskProbes.checkClean(vdb));
    }

    /**
     * Sealed names can meet (VM a's vdb and VM a-vdb's vda are both template-a-vdb.qcow2): the
     * reconcile of an interrupted seal found another template's fresh image at its VM's sealed name
     * and removed it as "the unfinished copy". An image a template records is left alone.
     */
    @Test
    void anInterruptedSealLeavesAnotherTemplatesImageAtItsName() throws Exception {
        String admin = Api.newUser("admin", "admin");
        String vm = VmBuilder.defineVm("sealmeet", admin);
        String template = "template-" + vm;
        Path vda = VmBuilder.diskOf(vm);
        DiskProbes.writePattern(vda, 0x11, "0", "1M");
        // Another VM's seal, recorded, whose vdb image has this VM's sealed name (written just now).
        Path theirs = LibvirtHost.DIR.resolve(template + ".qcow2");
        io.strata.support.Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", theirs.toString(), "64M");
        DiskProbes.writePattern(theirs, 0x33, "0", "1M");
        String other = "template-" + vm.substring(0, vm.length() - 1) + "x";
        TestDatabase.queryLong("INSERT INTO template(host, name, source_vm, domain_xml, disks, operations, created_by, sealed_at)"
                + " VALUES ('local', ?, ?, '<domain/>', ?, 'defaults', ?, now()) RETURNING id", other, vm + "x",
                "[{\"target\":\"vdb\",\"file\":\"" + theirs + "\",\"format\":\"qcow2\",\"virtualSize\":67108864,\"bytes\":0}]",
                admin);
        try {
            JsonPath job = reconciledSeal(admin, vm, template);
            assertTrue(String.valueOf(job.getString("result")).contains("left " + theirs), job.prettify());
            assertTrue(Files.exists(theirs) && DiskProbes.hasPattern(theirs, 0x33, "0", "1M"), "the other template's image is kept");
            assertEquals(vda, DiskProbes.topOf(vm, "vda"));
            assertTrue(DiskProbes.hasPattern(vda, 0x11, "0", "1M"), "the VM's disk is untouched");
        } finally {
            TestDatabase.queryLong("DELETE FROM template WHERE host = 'local' AND name = ? RETURNING id", other);
            Files.deleteIfExists(theirs);
        }
    }

    /** A seal of {@code vm} whose worker died an hour ago, reconciled by this node; the job once it has its finding. */
    static JsonPath reconciledSeal(String admin, String vm, String template) {
        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) "
                + "VALUES ('TEMPLATE_CREATE', 'QUEUED', 'local', ?, ?, ?, true,"
                + " '{\"operations\":\"defaults\",\"sshKeys\":[],\"hostname\":\"localhost\"}') RETURNING id", vm, template, admin);
        JsonPath job = Api.reconciledAsIfItsWorkerDied(admin, jobId);
        return job;
    }
}
