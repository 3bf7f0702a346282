package io.strata.job;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Requests waiting for a job to end ({@code GET /api/jobs/{id}?wait=}): woken when this node
 * finished the job or another node's notification arrives (see {@link JobNotices}).
 */
@ApplicationScoped
public class JobWaiters {

    /** Waits one account may hold at once: each holds a request thread for up to a minute. */
    public static final int WAITS_PER_USER = 8;

    private final ConcurrentHashMap<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> waitsByUser = new ConcurrentHashMap<>();

    /** Takes one of the user's wait slots; false (nothing taken) when all {@value #WAITS_PER_USER} are in use. */
    boolean enter(String user) {
        boolean[] taken = { false };
        waitsByUser.compute(user, (u, n) -> {
            int held = n == null ? 0 : n;
            if (held >= WAITS_PER_USER) {
                return held;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    /** Gives back a slot {@link #enter} took. */
    void leave(String user) {
        waitsByUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Registers interest in the job; the caller then reads the job and, if it has not ended,
     * {@link #await}s the returned latch. Registering before reading means no end is missed.
     */
    CountDownLatch register(long jobId) {
        return waiting.computeIfAbsent(jobId, id -> new CountDownLatch(1));
    }

    /** Waits on a registered latch; true when woken by the job's end. */
    static boolean await(CountDownLatch latch, long millis) throws InterruptedException {
        return latch.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The job ended (its final state is committed): wakes everyone waiting for it. */
    void finished(long jobId) {
        CountDownLatch l = waiting.remove(jobId);
        if (l != null) {
            l.countDown();
        }
    }

    /**
     * A waiter that is done drops its latch so the map does not grow; another waiter that shared
     * it re-registers within a second (it re-reads the job at least that often).
     */
    void giveUp(long jobId, CountDownLatch latch) {
        waiting.remove(jobId, latch);
    }
}
