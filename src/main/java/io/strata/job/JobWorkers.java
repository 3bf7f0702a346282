package io.strata.job;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.strata.kernel.HostFailure;

/**
 * This node's worker threads. Each loops: claim a job (short transaction), run its handler with no
 * transaction open, finish it (short transaction). A heartbeat marks this node's running jobs alive;
 * the reaper turns other nodes' silent jobs into INTERRUPTED and has their handlers reconcile them.
 */
@ApplicationScoped
public class JobWorkers {

    private static final Logger LOG = Logger.getLogger(JobWorkers.class);

    @ConfigProperty(name = "strata.jobs.workers", defaultValue = "4")
    int workerCount;
    @ConfigProperty(name = "strata.jobs.per-host-limit", defaultValue = "4")
    int perHostLimit;
    @ConfigProperty(name = "strata.jobs.poll-interval", defaultValue = "PT1S")
    Duration pollInterval;
    @ConfigProperty(name = "strata.jobs.stale-after", defaultValue = "PT30S")
    Duration staleAfter;
    @ConfigProperty(name = "strata.jobs.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    JobService jobs;
    @Inject
    JobSignal signal;
    @Inject
    JobHandlers handlers;
    @Inject
    Event<JobFinished> finished;

    /** This process's name in the job table's worker column: new at every start. */
    private final String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger busy = new AtomicInteger();
    private ExecutorService pool;

    void start(@Observes StartupEvent ev) {
        if (!enabled) {
            LOG.info("job workers disabled (strata.jobs.enabled=false)");
            return;
        }
        running.set(true);
        pool = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "strata-worker");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workerCount; i++) {
            pool.submit(this::loop);
        }
        LOG.infof("%d job workers started as %s", workerCount, nodeId);
    }

    void stop(@Observes ShutdownEvent ev) {
        running.set(false);
        signal.poke();
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(20, TimeUnit.SECONDS)) {
                    LOG.warn("job workers still busy at shutdown; their jobs will be reaped as INTERRUPTED");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String nodeId() {
        return nodeId;
    }

    private void loop() {
        while (running.get()) {
            try {
                var claimed = jobs.claim(nodeId, perHostLimit);
                if (claimed.isPresent()) {
                    busy.incrementAndGet();
                    try {
                        execute(claimed.get());
                    } finally {
                        busy.decrementAndGet();
                    }
                } else {
                    signal.await(pollInterval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database went away for a moment, most likely: back off and try again.
                LOG.warn("job worker loop: " + e.getMessage(), e);
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void execute(long jobId) {
        Job job = jobs.find(jobId).orElseThrow();
        JobHandler handler = handlers.of(job.kind);
        JobState state;
        String result = null;
        String error = null;
        if (handler == null) {
            state = JobState.FAILED;
            error = "this node has no handler for " + job.kind;
        } else {
            JobContext ctx = new JobContext(job, handlers.read(job), jobs);
            try {
                ctx.log("started on " + nodeId + " (attempt " + job.attempts + ")");
                ctx.checkCancelled();
                result = handler.run(ctx);
                state = JobState.SUCCEEDED;
                ctx.log("succeeded" + (result != null ? ": " + result : ""));
            } catch (JobCancelled e) {
                state = JobState.CANCELLED;
                error = e.getMessage();
                ctx.log(error);
            } catch (HostFailure e) {
                state = JobState.FAILED;
                error = e.getMessage();
                ctx.log("failed: " + error);
            } catch (Exception e) {
                state = JobState.FAILED;
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.error("job " + jobId + " failed unexpectedly", e);
                ctx.log("failed: " + error);
            }
        }
        // Refresh what depends on the job (the inventory) before the job shows as finished, so a
        // client that sees SUCCEEDED also sees its effect.
        fireFinished(new JobFinished(job.id, job.kind, state, job.host, job.vm));
        jobs.finish(jobId, state, result, error);
    }

    private void fireFinished(JobFinished event) {
        try {
            finished.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf("after job %d: %s", event.jobId(), e.getMessage());
        }
    }

    @Scheduled(every = "${strata.jobs.heartbeat-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (running.get() && busy.get() > 0) {
            jobs.heartbeat(nodeId);
        }
    }

    /**
     * Any node may reap: the UPDATE of a stale row happens once, whoever gets there first, and
     * only the node that turned it INTERRUPTED reconciles it.
     */
    @Scheduled(every = "${strata.jobs.reaper-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reap() {
        if (!running.get()) {
            return;
        }
        List<Job> stale = jobs.interruptStale(Instant.now().minus(staleAfter));
        for (Job j : stale) {
            LOG.warnf("job %d (%s on %s) interrupted: %s", j.id, j.kind, j.auditTarget(), j.error);
            JobHandler handler = handlers.of(j.kind);
            String finding;
            try {
                finding = handler == null ? "no handler to reconcile " + j.kind
                        : handler.reconcile(new JobContext(j, handlers.read(j), jobs));
            } catch (Exception e) {
                finding = "reconciliation failed: " + e.getMessage() + "; inspect the host by hand";
            }
            fireFinished(new JobFinished(j.id, j.kind, JobState.INTERRUPTED, j.host, j.vm));
            jobs.recordReconciliation(j.id, finding);
        }
    }
}
