package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * Snapshots are capped per VM (default 32) and by the bytes the overlays of one owner's VMs hold
 * (default 500 GiB): beyond either, a create is refused with 409 and the reason, audited, and
 * nothing is made.
 */
@QuarkusTest
class SnapshotCapsTest {

    @Test
    void aVmWithTheMostSnapshotsGetsNoMore() {
        String gus = Api.newUser("gus", "user");
        String vm = VmBuilder.defineVm("caps-count", gus);
        for (int i = 1; i <= 32; i++) {
            LibvirtHost.virsh("snapshot-create-as", vm, "c" + i);
        }
        Api.awaitSuccess(gus, as(gus).post(vmPath(vm) + "/sync").then().statusCode(202).extract().jsonPath().getLong("jobId"));
        long jobs = TestDatabase.queryLong("SELECT count(*) FROM job WHERE vm = ?", vm);
        as(gus).body(Map.of("name", "c33")).post(vmPath(vm) + "/snapshots").then().statusCode(409)
                .body("message", containsString("has 32 snapshots, the most one VM may have"));
        assertEquals(jobs, TestDatabase.queryLong("SELECT count(*) FROM job WHERE vm = ?", vm), "no job queued");
        assertEquals(32, DiskProbes.snapshotNames(vm).size(), "nothing made");
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'snapshot.create' "
                + "AND outcome = 'REFUSED' AND details LIKE '409:%the most one VM may have%'", gus), "audited");
    }

    @Test
    void anOwnerWhoseOverlaysHoldTheMostBytesGetsNoMoreSnapshots() {
        String hal = Api.newUser("hal", "user");
        String full = VmBuilder.defineVm("caps-bytes-1", hal);
        String other = VmBuilder.defineVm("caps-bytes-2", hal);
        as(hal).get(vmPath(full)).then().statusCode(200);
        as(hal).get(vmPath(other)).then().statusCode(200);
        // The inventory says an external snapshot of hal's first VM holds 501 GiB in its overlays.
        TestDatabase.queryLong("INSERT INTO snapshot(vm_id, name, kind, created_at, overlay_bytes) "
                + "SELECT id, 'big', 'EXTERNAL', now(), ? FROM vm WHERE host = 'local' AND name = ? RETURNING id", 501L << 30, full);
        as(hal).body(Map.of("name", "one-more")).post(vmPath(other) + "/snapshots").then().statusCode(409)
                .body("message", containsString("the snapshots of " + hal + "'s VMs hold 501.0 GiB"));
        assertEquals(0, DiskProbes.snapshotNames(other).size(), "nothing made");
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'snapshot.create' "
                + "AND outcome = 'REFUSED' AND details LIKE '409:%max-gib-per-owner%'", hal), "audited");
        // Below the limit again, the same request is accepted.
        TestDatabase.queryLong("WITH d AS (DELETE FROM snapshot WHERE name = 'big' RETURNING 1) SELECT count(*) FROM d");
        Api.awaitSuccess(hal, as(hal).body(Map.of("name", "one-more")).post(vmPath(other) + "/snapshots").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
    }
}
