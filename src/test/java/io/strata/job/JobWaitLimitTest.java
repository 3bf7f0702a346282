package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;

/**
 * {@code GET /api/jobs/{id}?wait=} holds a request thread: one account may hold
 * {@value JobWaiters#WAITS_PER_USER} at once; beyond that it gets 429 at once, audited, while
 * other accounts still wait.
 */
@QuarkusTest
class JobWaitLimitTest {

    @Test
    void anAccountHoldsAtMostEightWaitsAtOnce() throws Exception {
        String wanda = Api.newUser("wanda", "user");
        String other = Api.newUser("wally", "user");
        // A queued job that no worker takes (cancel requested): every wait on it runs to its end.
        long job = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, actor, cancel_requested, payload) VALUES "
                + "('INVENTORY_SYNC', 'QUEUED', 'local', ?, ?, true, '{}') RETURNING id", LibvirtHost.PREFIX + "wait", wanda);
        long otherJob = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, actor, cancel_requested, payload) VALUES "
                + "('INVENTORY_SYNC', 'QUEUED', 'local', ?, ?, true, '{}') RETURNING id", LibvirtHost.PREFIX + "wait2", other);
        int n = JobWaiters.WAITS_PER_USER + 3;
        ExecutorService pool = Executors.newFixedThreadPool(n + 1);
        try {
            List<Future<Integer>> waits = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                waits.add(pool.submit(() -> Api.as(wanda).queryParam("wait", 8).get("/api/jobs/" + job).statusCode()));
            }
            Api.sleep(3000); // all of them arrived (the refused answer at once)
            Future<Integer> others = pool.submit(() -> Api.as(other).queryParam("wait", 1).get("/api/jobs/" + otherJob).statusCode());
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : waits) {
                statuses.add(f.get());
            }
            assertEquals(JobWaiters.WAITS_PER_USER, statuses.stream().filter(s -> s == 200).count(), "answered: " + statuses);
            assertEquals(3, statuses.stream().filter(s -> s == 429).count(), "refused: " + statuses);
            assertEquals(200, others.get(), "another account is not held up");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'job.wait' "
                + "AND outcome = 'REFUSED' AND details LIKE '429:%'", wanda), "each refusal audited");
        // The slots come back when the waits end.
        assertEquals(200, Api.as(wanda).queryParam("wait", 1).get("/api/jobs/" + job).statusCode());
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'QUEUED'", job) == 1);
    }
}
