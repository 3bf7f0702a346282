package io.strata.job;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * A RUNNING job whose worker stopped heartbeating (another node died) becomes INTERRUPTED, is
 * reconciled against the host, and the audit log says so. (AppKilledIT does this with a real kill.)
 */
@QuarkusTest
class ReaperTest {

    @Inject
    JobWorkers workers;

    @Test
    void aSilentRunningJobIsInterruptedAndReconciled() throws Exception {
        String admin = Api.newUser("admin", "admin");
        String vm = VmBuilder.defineVm("reap", admin);
        // A job as another node leaves it when it dies: queued (with the cancel flag, so no worker
        // here claims it), then RUNNING under a worker that stopped heartbeating an hour ago.
        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) "
                + "VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'local', ?, 'lost', ?, true, '{\"kind\":\"INTERNAL\"}') RETURNING id", vm, admin);
        TestDatabase.queryLong("UPDATE job SET state = 'RUNNING', cancel_requested = false, worker = 'node-dead', "
                + "heartbeat_at = now() - interval '1 hour', started_at = now() - interval '1 hour', attempts = 1 "
                + "WHERE id = ? RETURNING id", jobId);
        JsonPath job = Api.awaitJob(admin, jobId);
        assertEquals("INTERRUPTED", job.getString("state"));
        assertTrue(job.getString("error").contains("node-dead stopped heartbeating"), job.getString("error"));
        // Reconciliation looked at the host: the snapshot was never made.
        long deadline = System.currentTimeMillis() + 20_000;
        while (job.getString("result") == null && System.currentTimeMillis() < deadline) {
            Api.sleep(200);
            job = as(admin).get("/api/jobs/" + jobId).then().extract().jsonPath();
        }
        assertTrue(String.valueOf(job.getString("result")).contains("does not exist on the host"), job.prettify());

        List<String> outcomes = as(admin).queryParam("vm", vm).get("/api/audit").then().statusCode(200)
                .extract().jsonPath().getList("outcome", String.class);
        assertTrue(outcomes.contains("INTERRUPTED"), "audit says the job was interrupted: " + outcomes);
        // And the VM is free for new work.
        Api.awaitSuccess(admin, Api.createSnapshot(admin, vm, "after", "after the reaper"));
    }

    /**
     * A job this node lost track of (its outcome could not be written) is no longer heartbeated:
     * it is reaped like another node's, and its VM freed, without a restart.
     */
    @Test
    void aJobThisNodeLostTrackOfIsReapedToo() {
        String admin = Api.newUser("admin", "admin");
        String vm = VmBuilder.defineVm("reap-own", admin);
        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) "
                + "VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'local', ?, 'lost', ?, true, '{\"kind\":\"INTERNAL\"}') RETURNING id", vm, admin);
        TestDatabase.queryLong("UPDATE job SET state = 'RUNNING', cancel_requested = false, worker = ?, "
                + "heartbeat_at = now() - interval '1 hour', started_at = now() - interval '1 hour', attempts = 1 "
                + "WHERE id = ? RETURNING id", workers.nodeId(), jobId);
        JsonPath job = Api.awaitJob(admin, jobId);
        assertEquals("INTERRUPTED", job.getString("state"));
        assertTrue(job.getString("result").contains("does not exist on the host"), job.prettify());
        Api.awaitSuccess(admin, Api.createSnapshot(admin, vm, "after", "the VM is free again"));
    }
}
