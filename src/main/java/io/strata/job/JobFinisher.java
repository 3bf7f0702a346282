package io.strata.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Records workers' outcomes with group commit: a worker that finishes while another one is
 * committing waits, and the next committer takes every outcome queued meanwhile into one
 * transaction. Each job still gets its own state change and audit event (in the order the outcomes
 * arrived); what is shared is the transaction, so the audit chain's lock and the commit's WAL flush
 * are paid once per batch instead of once per job. Alone, a worker commits at once (a batch of one).
 */
@ApplicationScoped
public class JobFinisher {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobFinisher.class);

    static final int MAX_BATCH = 128;

    @Inject
    JobOutcomes outcomes;
    @Inject
    JobWaiters waiters;

    private final ReentrantLock committer = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    private record Pending(JobOutcomes.Ending ending, CompletableFuture<Void> done) {
    }

    /**
     * Records the outcomes (committed when this returns); answers those the database refused, with
     * what it said (empty when all were recorded).
     */
    Map<JobOutcomes.Ending, RuntimeException> finish(List<JobOutcomes.Ending> endings) {
        List<Pending> mine = endings.stream().map(e -> new Pending(e, new CompletableFuture<Void>())).toList();
        pending.addAll(mine);
        committer.lock();
        try {
            // Whoever held the lock before may have committed these outcomes with theirs.
            while (!mine.stream().allMatch(p -> p.done().isDone())) {
                commit(drain());
            }
        } finally {
            committer.unlock();
        }
        Map<JobOutcomes.Ending, RuntimeException> failed = new LinkedHashMap<>();
        for (Pending p : mine) {
            try {
                p.done().join();
            } catch (CompletionException e) {
                failed.put(p.ending(), e.getCause() instanceof RuntimeException r ? r : e);
            }
        }
        return failed;
    }

    private List<Pending> drain() {
        List<Pending> batch = new ArrayList<>();
        Pending p;
        while (batch.size() < MAX_BATCH && (p = pending.poll()) != null) {
            batch.add(p);
        }
        return batch;
    }

    private void commit(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            outcomes.finishAll(batch.stream().map(Pending::ending).toList());
            done(batch);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                alone(batch.get(0), e);
                return;
            }
            // One bad outcome must not sink the others: each alone.
            for (Pending p : batch) {
                try {
                    outcomes.finishAll(List.of(p.ending()));
                    done(List.of(p));
                } catch (RuntimeException alone) {
                    alone(p, alone);
                }
            }
        }
    }

    /**
     * An outcome that failed alone: once more without its change record when the database refused
     * that record for what it holds (SQL state class 22 or 23: bad data, a constraint), so the record
     * does not cost the job its outcome; the job's log line says so. Any other failure (the database
     * away, a deadlock) is left to the worker's retry, which keeps the record.
     */
    private void alone(Pending p, RuntimeException e) {
        if (p.ending().change() == null || !refusedForItsData(e)) {
            p.done().completeExceptionally(e);
            return;
        }
        try {
            outcomes.finishAll(List.of(p.ending().withoutChange(e.getMessage())));
            LOG.warnf("job %d: its change record could not be stored (%s); outcome recorded without it",
                    (Object) p.ending().jobId(), e.getMessage());
            done(List.of(p));
        } catch (RuntimeException again) {
            p.done().completeExceptionally(again);
        }
    }

    /** Whether the database refused a statement for its data (SQL state class 22 or 23), not for being away or busy. */
    static boolean refusedForItsData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private void done(List<Pending> batch) {
        for (Pending p : batch) {
            waiters.finished(p.ending().jobId());
            p.done().complete(null);
        }
    }
}
