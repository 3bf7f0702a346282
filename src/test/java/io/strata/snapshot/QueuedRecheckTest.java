package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * A job takes its checks from the worker's reading of the VM at its start, not from the request:
 * what changed while the job waited in the queue is seen, and refused. And the inventory after a
 * job (taken from the worker's reading after it) says what libvirt says.
 */
@QuarkusTest
class QueuedRecheckTest {

    /**
     * A job row as the create request writes it, held in the queue (claims skip rows whose cancel
     * flag is set) until {@link #release}.
     */
    private static long queuedExternalCreate(String vm, String snapshot, String actor) {
        return TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) "
                + "VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'local', ?, ?, ?, true,"
                + " '{\"kind\":\"EXTERNAL\",\"description\":null,\"quiesce\":false,\"pause\":false}') RETURNING id",
                vm, snapshot, actor);
    }

    private static void release(long jobId) {
        TestDatabase.queryLong("UPDATE job SET cancel_requested = false WHERE id = ? RETURNING id", jobId);
    }

    @Test
    void anExternalCreateIsRefusedWhenAnInternalSnapshotAppearedWhileItWaited() {
        String owner = Api.newUser("quinn", "user");
        String vm = VmBuilder.defineVm("requeue", owner);
        Path disk = VmBuilder.diskOf(vm);
        // The request's checks pass now: no snapshot at all.
        as(owner).get(vmPath(vm)).then().statusCode(200);
        long jobId = queuedExternalCreate(vm, "e1", owner);
        // While it waits, someone takes an internal snapshot by hand.
        LibvirtHost.virsh("snapshot-create-as", vm, "i1");
        release(jobId);

        JsonPath job = Api.awaitJob(owner, jobId);
        assertEquals("FAILED", job.getString("state"), job.prettify());
        assertTrue(job.getString("error").contains("internal snapshots (i1)"), job.getString("error"));
        assertEquals(List.of("i1"), DiskProbes.snapshotNames(vm), "no external snapshot was taken");
        assertEquals(disk, DiskProbes.topOf(vm, "vda"), "the VM still writes into its own disk");
        assertFalse(Files.exists(disk.resolveSibling(vm + ".e1")), "no overlay was made");
        // The inventory after the job says what libvirt says: i1, which the worker's reading saw.
        assertEquals(List.of("i1"), snapshotRows(vm));
    }

    @Test
    void anExternalCreateWhoseVmIsUnchangedRunsFromTheWorkersReadingAndTheInventoryFollows() {
        String owner = Api.newUser("quinn", "user");
        String vm = VmBuilder.defineVm("reuse", owner);
        Path disk = VmBuilder.diskOf(vm);
        as(owner).get(vmPath(vm)).then().statusCode(200);
        long jobId = queuedExternalCreate(vm, "e1", owner);
        release(jobId);

        JsonPath job = Api.awaitSuccess(owner, jobId);
        Path overlay = disk.resolveSibling(vm + ".e1");
        assertEquals(overlay, DiskProbes.topOf(vm, "vda"), job.prettify());
        assertEquals(List.of(overlay.toString(), disk.toString()), DiskProbes.backingChain(overlay));
        assertEquals(List.of("e1"), snapshotRows(vm));
        String files = strings("SELECT s.files FROM snapshot s JOIN vm v ON v.id = s.vm_id"
                + " WHERE v.host = 'local' AND v.name = ? AND s.name = 'e1'", vm).get(0);
        assertTrue(files.contains(disk + " → " + overlay), files);
        assertTrue(strings("SELECT disks_json FROM vm WHERE host = 'local' AND name = ?", vm).get(0)
                .contains(overlay.toString()), "the VM's row names its new top image");

        Api.awaitSuccess(owner, Api.deleteSnapshot(owner, vm, "e1"));
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
        assertEquals(List.of(), snapshotRows(vm), "the deleted snapshot's row is gone");
        assertEquals(disk, DiskProbes.topOf(vm, "vda"));
    }

    private static List<String> snapshotRows(String vm) {
        return strings("SELECT s.name FROM snapshot s JOIN vm v ON v.id = s.vm_id"
                + " WHERE v.host = 'local' AND v.name = ? ORDER BY s.name", vm);
    }

    private static List<String> strings(String sql, Object... params) {
        try (Connection c = TestDatabase.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
