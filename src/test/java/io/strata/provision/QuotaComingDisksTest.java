package io.strata.provision;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.kernel.Caller;
import io.strata.kernel.Refused;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;

/**
 * The disk quota counts the disks of the caller's VMs on their way (queued or running provisioning
 * and clone jobs), as the VM count does: it counted only the VMs already made, so requests sent
 * while the first ones waited in the queue each passed.
 */
@QuarkusTest
class QuotaComingDisksTest {

    static final long GIB = 1L << 30;

    @Inject
    ProvisionService provisioning;

    @Test
    void disksOnTheirWayCountTowardsTheDiskQuota() {
        String admin = Api.newUser("admin", "admin");
        String hal = Api.newUser("hal", "user");
        as(admin).body(Map.of("maxDiskGib", 1)).put("/api/users/" + hal + "/quota").then().statusCode(200);
        Caller caller = new Caller(hal, Set.of("user"), null);
        assertDoesNotThrow(() -> provisioning.checkQuota(caller, "vm.provision", "t", 1, GIB / 2), "half a GiB of one fits");

        // A provisioning job of a one-GiB template, queued and held (a cancel request: no worker claims it).
        String template = "template-" + LibvirtHost.PREFIX + "quota";
        TestDatabase.queryLong("INSERT INTO template(host, name, source_vm, domain_xml, disks, operations, created_by, sealed_at)"
                + " VALUES ('local', ?, 'x', '<domain/>', ?, 'defaults', ?, now()) RETURNING id", template,
                "[{\"target\":\"vda\",\"file\":\"/nonexistent/" + template + ".qcow2\",\"format\":\"qcow2\",\"virtualSize\":" + GIB
                        + ",\"bytes\":0}]", admin);
        long job = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, actor_roles, cancel_requested, payload)"
                + " VALUES ('PROVISION_THIN', 'QUEUED', 'local', ?, ?, ?, 'user', true, '{}') RETURNING id",
                LibvirtHost.PREFIX + "quota-coming", template, hal);
        try {
            Refused r = assertThrows(Refused.class, () -> provisioning.checkQuota(caller, "vm.provision", "t", 1, GIB / 2),
                    "the queued GiB counts");
            assertTrue(r.getMessage().contains("quota"), r.getMessage());
        } finally {
            TestDatabase.queryLong("UPDATE job SET state = 'CANCELLED', finished_at = now() WHERE id = ? RETURNING id", job);
            TestDatabase.queryLong("DELETE FROM template WHERE name = ? RETURNING id", template);
        }
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'QUEUED'", job));
    }
}
