package io.strata.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.strata.kernel.Cancelled;
import io.strata.kernel.HostFailure;

/**
 * The worker side of the job table: this node's worker threads. Each loops: claim a job (short
 * transaction), run its handler with no transaction open, finish it (short transaction). A
 * heartbeat marks this node's running jobs alive; {@link JobReaper} deals with other nodes' silent ones.
 */
@ApplicationScoped
public class JobWorkers {

    private static final Logger LOG = Logger.getLogger(JobWorkers.class);
    private static final int FINISH_ATTEMPTS = 30;

    @ConfigProperty(name = "strata.jobs.workers", defaultValue = "4")
    int workerCount;
    @ConfigProperty(name = "strata.jobs.per-host-limit", defaultValue = "4")
    int perHostLimit;
    @ConfigProperty(name = "strata.jobs.poll-interval", defaultValue = "PT1S")
    Duration pollInterval;
    /** How many jobs of an instant kind a worker claims at once (see {@link JobKind#instant()}). */
    @ConfigProperty(name = "strata.jobs.claim-batch", defaultValue = "32")
    int claimBatch;
    @ConfigProperty(name = "strata.jobs.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    JobTransitions transitions;
    @Inject
    JobQueries queries;
    @Inject
    JobLog log;
    @Inject
    JobHandlers handlers;
    @Inject
    JobSignal signal;
    @Inject
    JobFinisher finisher;
    @Inject
    JobMetrics metrics;
    @Inject
    Event<JobFinished> finished;
    @Inject
    JobChanges changes;
    @Inject
    JobNotices notices;

    /** This process's name in the job table's worker column: new at every start. */
    private final String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean running = new AtomicBoolean();
    /** The jobs this node is running or reconciling right now: heartbeated, and never reaped here. */
    private final Set<Long> liveHere = ConcurrentHashMap.newKeySet();
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

    boolean isRunning() {
        return running.get();
    }

    private void loop() {
        while (running.get()) {
            try {
                long seen = signal.generation();
                List<Job> claimed = transitions.claim(nodeId, perHostLimit, claimBatch);
                if (!claimed.isEmpty()) {
                    if (LOG.isDebugEnabled()) {
                        java.time.Instant now = java.time.Instant.now();
                        claimed.forEach(j -> LOG.debugf("job %d %s: queued → claimed %.1f ms", (Object) j.id, j.kind,
                                j.createdAt == null ? -1.0 : Duration.between(j.createdAt, now).toNanos() / 1e6));
                    }
                    claimed.forEach(j -> liveHere.add(j.id));
                    try {
                        execute(claimed);
                    } finally {
                        // Finished, or the database failed us: either way no longer heartbeated, so
                        // a job left RUNNING is reaped (by any node, this one included) and reconciled.
                        claimed.forEach(j -> {
                            liveHere.remove(j.id);
                            notices.forgetCancel(j.id);
                        });
                    }
                } else {
                    signal.awaitAfter(seen, pollInterval.toMillis());
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

    /** Runs the claimed jobs one after the other, then records their outcomes together. */
    private void execute(List<Job> jobs) {
        List<JobOutcomes.Ending> endings = new ArrayList<>();
        long[] started = new long[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            started[i] = System.nanoTime();
            endings.add(execute(jobs.get(i)));
        }
        finish(endings);
        for (int i = 0; i < jobs.size(); i++) {
            metrics.ran(jobs.get(i).kind, endings.get(i).state(), Duration.ofNanos(System.nanoTime() - started[i]));
        }
    }

    /**
     * Runs the handler and maps how it ended to the job's final state: returned → SUCCEEDED,
     * {@link JobCancelled} or a host tool's {@link Cancelled} → CANCELLED, a {@link HostFailure} → FAILED with its message, anything else
     * → FAILED with the exception's name (and a stack trace in the log).
     */
    private JobOutcomes.Ending execute(Job job) {
        long jobId = job.id;
        JobHandler handler = handlers.of(job.kind);
        JobContext ctx = new JobContext(job, () -> handlers.read(job), transitions, log, notices);
        JobState state;
        String result = null;
        String error = null;
        String last;
        // "started on …" was written with the claim, which also checked the cancel flag.
        // What the job changes on its VM is read around the handler, for every kind (issue 10).
        long t0 = System.nanoTime();
        VmStateCapture.Reading before = changes.before(job, ctx);
        if (before != null && job.vm != null && job.vm.equals(VmStateCapture.vmOf(job))) {
            ctx.atStart(before.observed());
        }
        long started = System.nanoTime();
        try {
            if (handler == null) {
                throw new JobFailure("job kind " + job.kind + " has no handler in this build");
            }
            result = handler.run(ctx);
            state = JobState.SUCCEEDED;
            last = "succeeded" + (result != null ? ": " + result : "");
        } catch (JobCancelled | Cancelled e) {
            state = JobState.CANCELLED;
            error = e.getMessage();
            last = error;
        } catch (HostFailure e) {
            state = JobState.FAILED;
            error = e.getMessage();
            last = "failed: " + error;
        } catch (Exception e) {
            state = JobState.FAILED;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.error("job " + jobId + " failed unexpectedly", e);
            last = "failed: " + error;
        }
        // Refresh what depends on the job (the inventory) before the job shows as finished, so a
        // client that sees SUCCEEDED also sees its effect.
        long t1 = System.nanoTime();
        JobChanges.After after = changes.after(job, ctx, before);
        long t2 = System.nanoTime();
        if (!job.kind.benchmarkOnly()) {
            // The inventory takes the VM from that reading (a clone's reading is of its new VM, not job.vm).
            boolean own = job.vm != null && job.vm.equals(VmStateCapture.vmOf(job));
            fireFinished(new JobFinished(job.id, job.kind, state, job.host, job.vm, own ? after.vm() : null));
        }
        // Where a job's time went (issue 13), for -Dquarkus.log.category."io.strata.job".level=DEBUG;
        // its outcome is recorded with the others claimed with it (execute(List)).
        LOG.debugf("job %d %s: read before %.1f ms, handler %.1f ms, read after + change record %.1f ms,"
                + " after-job observers (inventory) %.1f ms", jobId, job.kind, (started - t0) / 1e6,
                (t1 - started) / 1e6, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
        return new JobOutcomes.Ending(jobId, state, result, error, last, after.digest(), nodeId, after.change());
    }

    /**
     * Records the outcomes, retrying those not recorded for a while when the database is away: the
     * work is done and its truth should not be lost to a reconnect. Given up after that, the job is reaped.
     */
    private void finish(List<JobOutcomes.Ending> endings) {
        long t0 = System.nanoTime();
        try {
            finishRetrying(endings);
        } finally {
            LOG.debugf("jobs %s: outcome recorded (state, audit event, commit) in %.1f ms",
                    endings.stream().map(e -> String.valueOf(e.jobId())).toList(), (System.nanoTime() - t0) / 1e6);
        }
    }

    private void finishRetrying(List<JobOutcomes.Ending> endings) {
        List<JobOutcomes.Ending> left = endings;
        for (int attempt = 1; ; attempt++) {
            Map<JobOutcomes.Ending, RuntimeException> failed = finisher.finish(left);
            if (failed.isEmpty()) {
                return;
            }
            if (attempt >= FINISH_ATTEMPTS || !running.get()) {
                failed.forEach((ending, e) -> LOG.errorf("job %d ended %s but could not be recorded (%s); it will be reaped",
                        ending.jobId(), ending.state(), e.getMessage()));
                return;
            }
            left = List.copyOf(failed.keySet());
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Marks a job as alive on this node while something other than a worker (the reaper) works on it. */
    void holding(long jobId, Runnable work) {
        liveHere.add(jobId);
        try {
            work.run();
        } finally {
            liveHere.remove(jobId);
        }
    }

    Set<Long> liveHere() {
        return liveHere;
    }

    void fireFinished(JobFinished event) {
        try {
            finished.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf("after job %d: %s", event.jobId(), e.getMessage());
        }
    }

    @Scheduled(every = "${strata.jobs.heartbeat-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (running.get() && !liveHere.isEmpty()) {
            transitions.heartbeat(nodeId, Set.copyOf(liveHere));
        }
    }
}
