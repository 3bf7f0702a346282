package io.strata.vm;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/** A user sees and acts only on their own VMs; every refusal is audited. */
@QuarkusTest
class OwnershipTest {

    /** This class's own accounts, new for each test. */
    String admin;
    String alice;
    String bob;
    String carol;
    String oscar;

    @BeforeEach
    void users() {
        admin = Api.newUser("admin", "admin");
        alice = Api.newUser("alice", "user");
        bob = Api.newUser("bob", "user");
        carol = Api.newUser("carol", "auditor");
        oscar = Api.newUser("oscar", "operator");
    }

    @Test
    void anotherUsersVmIsInvisibleAndUntouchable() {
        String vm = VmBuilder.defineVm("owned", alice);
        as(alice).get(vmPath(vm)).then().statusCode(200).body("owner", is(alice));

        as(bob).get(vmPath(vm)).then().statusCode(404);
        as(bob).get("/api/hosts/local/vms").then().statusCode(200).body("name", not(hasItem(vm)));
        as(bob).get(vmPath(vm) + "/snapshots").then().statusCode(404);
        as(bob).body(Map.of("name", "sneaky")).post(vmPath(vm) + "/snapshots").then().statusCode(404);
        as(bob).post(vmPath(vm) + "/snapshots/any/revert").then().statusCode(404);
        as(bob).delete(vmPath(vm) + "/snapshots/any").then().statusCode(404);
        assertEquals(List.of(), DiskProbes.snapshotNames(vm), "nothing was created");

        JsonPath audit = as(carol).queryParam("actor", bob).queryParam("vm", vm).queryParam("outcome", "DENIED")
                .get("/api/audit").then().statusCode(200).extract().jsonPath();
        List<String> actions = audit.getList("action", String.class);
        assertTrue(actions.contains("snapshot.create"), "denied create is audited: " + actions);
        assertTrue(actions.contains("snapshot.revert"), "denied revert is audited: " + actions);
        assertTrue(actions.contains("vm.read"), "denied read is audited: " + actions);

        // Auditors read everything but change nothing; operators act on every VM.
        as(carol).get(vmPath(vm)).then().statusCode(200);
        as(carol).body(Map.of("name", "nope")).post(vmPath(vm) + "/snapshots").then().statusCode(403);
        as(carol).post(vmPath(vm) + "/sync").then().statusCode(403); // a sync would hold the VM's job slot
        as(alice).post(vmPath(vm) + "/sync").then().statusCode(202);
        as(oscar).get("/api/hosts/local/vms").then().statusCode(200).body("name", hasItem(vm));
        // Users cannot read the audit log at all.
        as(bob).get("/api/audit").then().statusCode(403);
    }

    @Test
    void anotherUsersUncachedVmCostsNoInventoryWork() {
        // Defined behind Strata's back: not in the inventory yet.
        String vm = VmBuilder.defineVm("uncached", alice);
        String ghost = LibvirtHost.PREFIX + "no-such-vm";
        as(bob).get(vmPath(vm)).then().statusCode(404);
        as(bob).get(vmPath(vm) + "/snapshots").then().statusCode(404);
        as(bob).get(vmPath(ghost)).then().statusCode(404);
        // Before the owner check came first, bob's question read alice's disk chains and snapshots and
        // stored her VM in the inventory.
        assertEquals(0, io.strata.support.TestDatabase.queryLong("SELECT count(*) FROM vm WHERE name = ?", vm),
                "bob's questions did no inventory work on alice's VM");
        assertEquals(2, io.strata.support.TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? "
                + "AND outcome = 'DENIED' AND target = ?", bob, "local/" + vm), "both refusals audited");
        as(alice).get(vmPath(vm)).then().statusCode(200).body("owner", is(alice));
        assertEquals(1, io.strata.support.TestDatabase.queryLong("SELECT count(*) FROM vm WHERE name = ?", vm));
    }

    @Test
    void adminAssignsOwnerIntoDomainMetadata() {
        String vm = VmBuilder.defineVm("unowned", null);
        as(alice).get(vmPath(vm)).then().statusCode(404);
        as(bob).body(Map.of("owner", bob)).put(vmPath(vm) + "/owner").then().statusCode(404);
        as(oscar).body(Map.of("owner", oscar)).put(vmPath(vm) + "/owner").then().statusCode(403);
        as(admin).body(Map.of("owner", "nobody-" + LibvirtHost.RUN)).put(vmPath(vm) + "/owner").then().statusCode(400);

        long job = as(admin).body(Map.of("owner", alice)).put(vmPath(vm) + "/owner").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        Api.awaitSuccess(admin, job);
        String xml = LibvirtHost.virsh("dumpxml", vm);
        assertTrue(xml.contains("owner=\"" + alice + "\""), "owner is in the domain's metadata: " + xml);
        as(alice).get(vmPath(vm)).then().statusCode(200).body("owner", is(alice));
        as(bob).get(vmPath(vm)).then().statusCode(404);

        // Alice's job history on the VM goes with the VM when it is given to Bob.
        long aliceJob = Api.createSnapshot(alice, vm, "by-alice", "before the handover");
        Api.awaitSuccess(alice, aliceJob);
        as(alice).get("/api/jobs/" + aliceJob).then().statusCode(200);
        Api.awaitSuccess(admin, as(admin).body(Map.of("owner", bob)).put(vmPath(vm) + "/owner").then()
                .statusCode(202).extract().jsonPath().getLong("jobId"));
        as(alice).get("/api/jobs/" + aliceJob).then().statusCode(404);
        as(alice).queryParam("vm", vm).get("/api/jobs").then().statusCode(200).body("size()", is(0));
        as(bob).get(vmPath(vm)).then().statusCode(200);
    }
}
