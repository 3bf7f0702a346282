package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.strata.audit.AuditLog;
import io.strata.kernel.Caller;
import io.strata.support.TestDatabase;

/**
 * Many jobs per round trip: a batch queued in one statement (each job its audit event), and
 * instant jobs claimed together, up to the first slow one, past the per-host limit. No workers run
 * here (a profile of its own), so the test itself is the worker.
 */
@QuarkusTest
@TestProfile(JobBatchTest.WorkersOff.class)
class JobBatchTest {

    public static class WorkersOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("strata.jobs.enabled", "false");
        }
    }

    static final Caller ALICE = new Caller("batch-alice", Set.of("user"), "127.0.0.1");
    static final String WORKER = "node-batchtest";

    @Inject
    JobQueue queue;
    @Inject
    JobTransitions transitions;
    @Inject
    JobFinisher finisher;
    @Inject
    AuditLog audit;

    /** Other tests' queued jobs (none should be left) are parked, so each claim here sees only this test's. */
    @BeforeEach
    void parkOthers() {
        TestDatabase.queryLong("WITH u AS (UPDATE job SET cancel_requested = true WHERE state = 'QUEUED' RETURNING 1)"
                + " SELECT count(*) FROM u");
    }

    private static JobRequest sync(String vm) {
        return new JobRequest(JobKind.INVENTORY_SYNC, "local", vm, null, new JobPayload.None(), "refresh " + vm);
    }

    @Test
    void aBatchIsQueuedInTheOrderGivenEachWithItsAuditEvent() {
        List<JobRequest> reqs = List.of(sync("qb-3"), sync("qb-1"), sync("qb-5"), sync("qb-2"), sync("qb-4"));
        List<Job> js = queue.enqueueAll(ALICE, reqs);
        assertEquals(5, js.size());
        for (int i = 0; i < js.size(); i++) {
            Job j = js.get(i);
            assertEquals(reqs.get(i).vm(), j.vm, "job " + i + " is the request " + i);
            assertEquals(JobState.QUEUED, j.state);
            assertEquals("batch-alice", j.actor);
            assertEquals("user", j.actorRoles);
            assertEquals("127.0.0.1", j.sourceAddress);
            assertTrue(i == 0 || js.get(i - 1).id < j.id, "ids ascend in the order given");
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND vm = ? AND state = 'QUEUED'"
                    + " AND payload = '{}'::jsonb AND created_at IS NOT NULL", j.id, reqs.get(i).vm()));
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE job_id = ? AND action = 'inventory.sync'"
                    + " AND outcome = 'ACCEPTED' AND actor = 'batch-alice' AND target = ? AND details = ?",
                    j.id, "local/" + reqs.get(i).vm(), "refresh " + reqs.get(i).vm()));
        }
        assertTrue(audit.verify().intact(), "the chain holds the batch's events");
        js.forEach(j -> transitions.cancel(ALICE, j.id));
    }

    @Test
    void aVmWithAnActiveJobRefusesTheWholeBatch() {
        Job first = queue.enqueue(ALICE, sync("qc-1"));
        assertThrows(JobConflict.class, () -> queue.enqueueAll(ALICE, List.of(sync("qc-2"), sync("qc-1"))));
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM job WHERE host = 'local' AND vm = 'qc-2'"));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = 'batch-alice'"
                + " AND target = 'local/qc-2' AND outcome = 'REFUSED'"));
        transitions.cancel(ALICE, first.id);
    }

    private static long insert(String kind, String vm) {
        return TestDatabase.queryLong("INSERT INTO job (kind, state, host, vm, target, actor, payload)"
                + " VALUES (?, 'QUEUED', 'local', NULLIF(?, ''), 'snap', 'batch-alice', '{}') RETURNING id",
                kind, vm == null ? "" : vm);
    }

    private static List<Long> ids(List<Job> js) {
        return js.stream().map(j -> j.id).toList();
    }

    @Test
    void instantJobsAreClaimedTogetherUpToTheFirstSlowOneAndPastTheHostLimit() {
        List<Long> noop = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            noop.add(insert("BENCH_NOOP", null));
        }
        long slow1 = insert("SNAPSHOT_CREATE", "qd-1");
        noop.add(insert("BENCH_NOOP", null));
        noop.add(insert("BENCH_NOOP", null));
        long slow2 = insert("SNAPSHOT_CREATE", "qd-2");

        // One slow job per host at a time here: the instant ones pass that limit, the second slow one waits.
        List<Job> first = transitions.claim(WORKER, 1, 32);
        assertEquals(noop.subList(0, 3), ids(first), "the run of instant jobs, in one claim");
        assertEquals(1, TestDatabase.queryLong("SELECT count(DISTINCT started_at) FROM job WHERE id = ANY(?)",
                (Object) noop.subList(0, 3).toArray(new Long[0])));
        assertEquals(List.of(slow1), ids(transitions.claim(WORKER, 1, 32)), "a slow job is claimed alone");
        List<Job> third = transitions.claim(WORKER, 1, 32);
        assertEquals(noop.subList(3, 5), ids(third), "instant jobs pass the host's limit; the slow one waits");
        assertEquals(List.of(), transitions.claim(WORKER, 1, 32));
        for (long id : noop) {
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job_log WHERE job_id = ? AND line LIKE ?",
                    id, "started on " + WORKER + "%"));
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'RUNNING'"
                    + " AND worker = ? AND attempts = 1", id, WORKER));
        }

        // Their outcomes recorded together, each with its own audit event; then the slow one's turn.
        List<JobOutcomes.Ending> endings = new ArrayList<>();
        for (long id : noop) {
            endings.add(new JobOutcomes.Ending(id, JobState.SUCCEEDED, "done", null, "succeeded: done", null, WORKER));
        }
        endings.add(new JobOutcomes.Ending(slow1, JobState.FAILED, null, "no such VM", "failed: no such VM", null, WORKER));
        assertEquals(Map.of(), finisher.finish(endings));
        for (long id : noop) {
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'SUCCEEDED'"
                    + " AND progress = 100 AND result = 'done' AND finished_at IS NOT NULL", id));
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE job_id = ?"
                    + " AND action = 'bench.noop' AND outcome = 'SUCCESS' AND actor = 'batch-alice'", id));
        }
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE job_id = ? AND outcome = 'FAILED'", slow1));
        assertEquals(List.of(slow2), ids(transitions.claim(WORKER, 1, 32)));
        assertEquals(Map.of(), finisher.finish(List.of(
                new JobOutcomes.Ending(slow2, JobState.FAILED, null, "no such VM", "failed: no such VM", null, WORKER))));
        assertTrue(audit.verify().intact(), "the chain holds the outcomes");
    }

    /**
     * The change record commits with the outcome (one transaction): the outcome's audit event names
     * its digest and V16's trigger links the two. A record the database refuses does not cost the
     * job its outcome: recorded again without it.
     */
    @Test
    void aJobsChangeIsStoredWithItsOutcome() {
        long id = queue.enqueue(ALICE, sync("change-vm")).id;
        long refused = queue.enqueue(ALICE, sync("change-vm-2")).id;
        assertEquals(List.of(id), ids(transitions.claim(WORKER, 4, 1)));
        assertEquals(List.of(refused), ids(transitions.claim(WORKER, 4, 1)));
        String xml = "<domain><name>change-vm</name><!-- " + id + " --></domain>";
        String xmlDigest = io.strata.kernel.Digests.sha256Hex(xml);
        String record = "{\"job\":" + id + "}";
        String digest = io.strata.kernel.Digests.sha256Hex(record);
        JobChanges.Pending change = new JobChanges.Pending(id, "local", "change-vm", null, null, xmlDigest, xml, record, digest);
        // Names an XML text that was never stored (no text given): the database refuses the record.
        JobChanges.Pending bad = new JobChanges.Pending(refused, "local", "change-vm-2", "0".repeat(64), null, xmlDigest, xml,
                "{}", io.strata.kernel.Digests.sha256Hex("{} " + refused));
        assertEquals(Map.of(), finisher.finish(List.of(
                new JobOutcomes.Ending(id, JobState.SUCCEEDED, "done", null, "succeeded: done", digest, WORKER, change),
                new JobOutcomes.Ending(refused, JobState.SUCCEEDED, "done", null, "succeeded: done", bad.digest(), WORKER, bad))));

        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job_change c JOIN audit_event a ON a.seq = c.audit_seq"
                + " WHERE c.job_id = ? AND c.digest = ? AND a.job_id = c.job_id AND a.outcome = 'SUCCESS'"
                + " AND a.details LIKE ?", id, digest, "%change sha256:" + digest));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM domain_xml WHERE sha256 = ?", xmlDigest));
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM job_change WHERE job_id = ?", refused));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'SUCCEEDED'", refused));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE job_id = ? AND outcome = 'SUCCESS'"
                + " AND details NOT LIKE '%change sha256:%'", refused));
        assertTrue(audit.verify().intact(), "the chain holds the outcomes");
    }
}
