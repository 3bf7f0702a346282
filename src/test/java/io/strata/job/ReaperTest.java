package io.strata.job;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Inject
    JobTransitions transitions;
    @Inject
    JobOutcomes outcomes;

    /** A job RUNNING under {@code worker} with a fresh heartbeat (so the app's own reaper leaves it be). */
    private static long runningJob(String actor, String worker) {
        long id = TestDatabase.queryLong("INSERT INTO job(kind, state, host, target, actor, cancel_requested) "
                + "VALUES ('INVENTORY_SYNC', 'QUEUED', 'test', 'race', ?, true) RETURNING id", actor);
        TestDatabase.queryLong("UPDATE job SET state = 'RUNNING', cancel_requested = false, worker = ?, heartbeat_at = now(),"
                + " started_at = now(), attempts = 1 WHERE id = ? RETURNING id", worker, id);
        return id;
    }

    /** What takeOverStale does to one job: it becomes {@code node}'s, if it still runs under {@code from}. */
    private static boolean takeOver(long id, String from, String node) {
        return TestDatabase.queryLong("WITH u AS (UPDATE job SET worker = ?, heartbeat_at = now() WHERE id = ?"
                + " AND state = 'RUNNING' AND worker = ? RETURNING 1) SELECT count(*) FROM u", node, id, from) == 1;
    }

    private static long logLines(long id, String like) {
        return TestDatabase.queryLong("SELECT count(*) FROM job_log WHERE job_id = ? AND line LIKE ?", id, like);
    }

    /** Runs both at once, in transactions of their own (two threads), and waits for both. */
    private static void race(Runnable a, Runnable b) throws Exception {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = two.submit(() -> {
                start.await();
                a.run();
                return null;
            });
            var fb = two.submit(() -> {
                start.await();
                b.run();
                return null;
            });
            fa.get(60, java.util.concurrent.TimeUnit.SECONDS);
            fb.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            two.shutdownNow();
        }
    }

    /**
     * A late worker's finish races the reaper's take-over and interrupt (real transactions on
     * PostgreSQL, many rounds): whichever commits first decides the state, and the other's
     * account stays in the job log. Never both, never neither.
     */
    @Test
    void aLateWorkersFinishAndTheReapersInterruptRaceDeterministically() throws Exception {
        String admin = Api.newUser("race-w", "admin");
        int reaperWon = 0;
        int workerWon = 0;
        for (int round = 0; round < 30; round++) {
            long id = runningJob(admin, "node-late");
            String finding = "finding of round " + round;
            java.util.concurrent.atomic.AtomicBoolean tookOver = new java.util.concurrent.atomic.AtomicBoolean();
            race(() -> {
                if (takeOver(id, "node-late", "node-reaper")) {
                    tookOver.set(true);
                    transitions.interrupt(id, "node-reaper", finding);
                }
            }, () -> outcomes.finishAll(List.of(new JobOutcomes.Ending(id, JobState.SUCCEEDED, "worker's result",
                    null, "succeeded: worker's result", null, "node-late"))));
            String state = TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'INTERRUPTED'", id) == 1
                    ? "INTERRUPTED"
                    : TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'SUCCEEDED'", id) == 1 ? "SUCCEEDED" : "?";
            if (state.equals("INTERRUPTED")) {
                reaperWon++;
                assertTrue(tookOver.get());
                assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND result = ?", id, finding),
                        "the reaper's finding is the result");
                assertEquals(1, logLines(id, "worker %finished after %: SUCCEEDED%"),
                        "the late worker's outcome is in the log");
            } else {
                assertEquals("SUCCEEDED", state, "job " + id + " ended SUCCEEDED or INTERRUPTED");
                workerWon++;
                assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND result = 'worker''s result'", id));
                assertEquals(0, logLines(id, "reconciled:%"), "no reconcile was recorded as the verdict");
            }
            assertEquals(1, logLines(id, "succeeded: worker's result"), "the worker's own line, once");
        }
        assertEquals(30, reaperWon + workerWon);
    }

    /**
     * Two reconciliations of one job race (a node took the job over while another, that had taken
     * it before, was still reconciling): one finding becomes the job's result, the other is in its
     * log. Before, the second finding was dropped without a trace.
     */
    @Test
    void twoReconciliationsRaceAndNeitherFindingIsLost() throws Exception {
        String admin = Api.newUser("race-r", "admin");
        for (int round = 0; round < 30; round++) {
            long id = runningJob(admin, "node-b");
            String b = "finding of node-b, round " + round;
            String c = "finding of node-c, round " + round;
            race(() -> transitions.interrupt(id, "node-b", b), () -> {
                if (takeOver(id, "node-b", "node-c")) {
                    transitions.interrupt(id, "node-c", c);
                }
            });
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'INTERRUPTED'"
                    + " AND result IN (?, ?)", id, b, c), "INTERRUPTED with one of the findings");
            boolean bWon = TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND result = ?", id, b) == 1;
            assertEquals(1, logLines(id, "reconciled: " + (bWon ? b : c)), "the winner's finding, logged once");
            if (!bWon) {
                assertEquals(1, logLines(id, "reconciled by node-b after %" + b),
                        "the other finding is in the log");
            }
        }
        // And the order that lost the finding before, made certain: node-c took over first.
        long id = runningJob(admin, "node-b");
        assertTrue(takeOver(id, "node-b", "node-c"));
        assertTrue(transitions.interrupt(id, "node-c", "node-c's finding"));
        assertFalse(transitions.interrupt(id, "node-b", "node-b's finding"));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND result = 'node-c''s finding'", id));
        assertEquals(1, logLines(id, "reconciled by node-b after the job ended INTERRUPTED%node-b's finding"),
                "the later finding is in the log: " + id);
    }
}
