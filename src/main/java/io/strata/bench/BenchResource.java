package io.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobPayload;
import io.strata.job.JobQueue;
import io.strata.job.JobRequest;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

/**
 * Measurements of the job engine and the audit chain for {@code ./strata bench}. Exists only in
 * the bench build profile ({@code mvn package -Dquarkus.profile=bench}); admins only.
 */
@Path("/api/bench")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@IfBuildProfile("bench")
public class BenchResource {

    static final String HOST = "bench";

    @Inject
    JobQueue queue;
    @Inject
    AuditLog audit;
    @Inject
    EntityManager em;
    @Inject
    CurrentCaller caller;

    /**
     * {@code count} no-op jobs, queued in batches of {@code batch} (each job its own audit event),
     * from the first enqueue until the last one has finished and been audited.
     */
    @POST
    @Path("/jobs")
    public Map<String, Object> jobs(@QueryParam("count") @DefaultValue("5000") int count,
            @QueryParam("batch") @DefaultValue("100") int batch) throws InterruptedException {
        Caller c = caller.get();
        long t0 = System.nanoTime();
        long first = -1;
        long last = -1;
        for (int done = 0; done < count; done += batch) {
            List<JobRequest> reqs = new ArrayList<>();
            for (int i = 0; i < Math.min(batch, count - done); i++) {
                reqs.add(new JobRequest(JobKind.BENCH_NOOP, HOST, null, null, new JobPayload.None(), null));
            }
            List<Job> js = queue.enqueueAll(c, reqs);
            first = first < 0 ? js.get(0).id : first;
            last = js.get(js.size() - 1).id;
        }
        long enqueued = System.nanoTime();
        while (unfinished(first, last) > 0) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return Map.of("jobs", count, "seconds", seconds, "jobsPerSecond", count / seconds,
                "enqueueSeconds", (enqueued - t0) / 1e9);
    }

    /**
     * {@code count} no-op jobs one after the other: queue one, wait until it has ended, next. Answers
     * the enqueue-to-start latency (job row written until a worker claimed it) of those jobs; the
     * workers may be another node's ({@code strata.jobs.enabled=false} here).
     */
    @POST
    @Path("/latency")
    public Map<String, Object> latency(@QueryParam("count") @DefaultValue("200") int count) throws InterruptedException {
        Caller c = caller.get();
        long first = -1;
        long last = -1;
        for (int i = 0; i < count; i++) {
            Job j = queue.enqueue(c, new JobRequest(JobKind.BENCH_NOOP, HOST, null, null, new JobPayload.None(), null));
            first = first < 0 ? j.id : first;
            last = j.id;
            while (unfinished(j.id, j.id) > 0) {
                Thread.sleep(1);
            }
        }
        long f = first;
        long l = last;
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000,"
                        + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000,"
                        + " string_agg(DISTINCT worker, ',')"
                        + " FROM job WHERE id BETWEEN ?1 AND ?2 AND kind = 'BENCH_NOOP'")
                .setParameter(1, f).setParameter(2, l).getSingleResult());
        return Map.of("jobs", count, "p50ms", ((Number) row[0]).doubleValue(), "p95ms", ((Number) row[1]).doubleValue(),
                "workers", String.valueOf(row[2]));
    }

    /** {@code count} audit events appended by {@code threads} threads, each event in its own transaction. */
    @POST
    @Path("/audit")
    public Map<String, Object> audit(@QueryParam("count") @DefaultValue("2000") int count,
            @QueryParam("threads") @DefaultValue("4") int threads) throws Exception {
        Caller c = caller.get();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = count / threads;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < n; i++) {
                        audit.recordAlone(c, "bench.append", HOST, null, Outcome.SUCCESS, null);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int appended = count / threads * threads;
            return Map.of("appends", appended, "threads", threads, "seconds", seconds, "appendsPerSecond", appended / seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    private long unfinished(long first, long last) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM job WHERE id BETWEEN ?1 AND ?2 AND state IN ('QUEUED', 'RUNNING')")
                .setParameter(1, first).setParameter(2, last).getSingleResult()).longValue());
    }
}
