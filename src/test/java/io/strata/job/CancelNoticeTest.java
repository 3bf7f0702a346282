package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.strata.support.TestDatabase;

/**
 * A handler's check points read the cancel flag only when a cancel may have come: one was heard
 * (LISTEN), this node is not listening, or the flag was read more than a second ago. A cancel
 * asked through Strata is seen at the next check point; one written behind its back (no
 * notification) within a second.
 */
@QuarkusTest
@TestProfile(JobBatchTest.WorkersOff.class)
class CancelNoticeTest {

    @Inject
    JobQueue queue;
    @Inject
    JobTransitions transitions;
    @Inject
    JobLog log;
    @Inject
    JobNotices notices;

    private Job running(String vm) {
        Job j = queue.enqueue(JobBatchTest.ALICE, new JobRequest(JobKind.INVENTORY_SYNC, "local", vm, null,
                new JobPayload.None(), "refresh " + vm));
        assertEquals(1, TestDatabase.queryLong("WITH u AS (UPDATE job SET state = 'RUNNING', started_at = now(),"
                + " heartbeat_at = now(), worker = 'node-cancelnotice' WHERE id = ? RETURNING 1) SELECT count(*) FROM u", j.id));
        return j;
    }

    /** The context as a worker makes it right after its claim read the flag. */
    private JobContext claimed(Job j) {
        return new JobContext(j, () -> null, transitions, log, notices);
    }

    private static void end(JobContext ctx) {
        TestDatabase.queryLong("WITH u AS (UPDATE job SET state = 'CANCELLED', finished_at = now() WHERE id = ? RETURNING 1)"
                + " SELECT count(*) FROM u", ctx.jobId());
    }

    private void awaitListening() throws InterruptedException {
        for (int i = 0; i < 100 && !notices.listening(); i++) {
            Thread.sleep(100);
        }
        assertTrue(notices.listening(), "this node listens for notifications");
    }

    @Test
    void aCancelAskedThroughStrataIsSeenAtTheNextCheckPoint() throws InterruptedException {
        awaitListening();
        JobContext ctx = claimed(running("cn-asked"));
        try {
            assertFalse(ctx.cancelRequested());
            transitions.cancel(JobBatchTest.ALICE, ctx.jobId());
            for (int i = 0; i < 50 && !notices.mayBeCancelled(ctx.jobId()); i++) {
                Thread.sleep(100);
            }
            assertTrue(notices.mayBeCancelled(ctx.jobId()), "the cancel was heard");
            assertTrue(ctx.cancelRequested(), "and the check point read the flag");
        } finally {
            notices.forgetCancel(ctx.jobId());
            end(ctx);
        }
    }

    @Test
    void aFlagSetWithoutANotificationIsSeenWithinASecond() throws InterruptedException {
        awaitListening();
        Job j = running("cn-silent");
        TestDatabase.queryLong("WITH u AS (UPDATE job SET cancel_requested = true WHERE id = ? RETURNING 1)"
                + " SELECT count(*) FROM u", j.id);
        JobContext ctx = claimed(j);
        try {
            assertFalse(ctx.cancelRequested(), "nothing heard and the flag read just now (by the claim): not read again");
            Thread.sleep(JobContext.FLAG_TRUSTED_NANOS / 1_000_000 + 100);
            assertTrue(ctx.cancelRequested(), "a second later the flag is read");
        } finally {
            end(ctx);
        }
    }
}
