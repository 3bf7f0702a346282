package io.strata.job;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class JobResource {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobResource.class);

    @Inject
    JobQueries queries;
    @Inject
    JobQueue queue;
    @Inject
    CurrentCaller caller;
    @Inject
    JobWaiters waiters;
    @Inject
    JobChanges changes;
    @Inject
    Refusals refusals;

    @GET
    @Operation(operationId = "listJobs",
            summary = "Jobs, newest first (users see their own)")
    public List<JobView> list(@QueryParam("state") String state, @QueryParam("kind") String kind,
            @QueryParam("host") String host, @QueryParam("vm") String vm, @QueryParam("actor") String actor,
            @QueryParam("limit") Integer limit) {
        return queries.list(caller.get(), new JobQueries.Filter(state, kind, host, vm, actor, limit)).stream()
                .map(j -> JobView.of(j, null)).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getJob",
            summary = "One job with its log lines; ?wait=N (seconds, at most 60) answers as soon as the job has"
            + " ended, or after N seconds with the job as it is then")
    public JobView get(@PathParam("id") long id, @QueryParam("wait") Integer waitSeconds) {
        boolean wait = waitSeconds != null && waitSeconds > 0;
        Caller c = caller.get();
        if (wait && !waiters.enter(c.name())) {
            throw refusals.refuse(c, "job.wait", "job " + id, 429, "you already wait for " + JobWaiters.WAITS_PER_USER
                    + " jobs at once; wait for one of them to answer, or ask without ?wait=");
        }
        try {
            return read(c, id, wait, waitSeconds);
        } finally {
            if (wait) {
                waiters.leave(c.name());
            }
        }
    }

    private JobView read(Caller c, long id, boolean wait, Integer waitSeconds) {
        // Registered before the first read, so an end between that read and the wait is not missed.
        var latch = wait ? waiters.register(id) : null;
        Job j = queries.get(c, id, "job.read");
        if (wait) {
            // Woken by the job's end (this node's or another's, via LISTEN/NOTIFY); re-read at
            // least every second anyway, in case a notification was lost.
            long deadline = System.nanoTime() + Math.min(60, waitSeconds) * 1_000_000_000L;
            while (!j.state.isFinished()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                try {
                    if (!JobWaiters.await(latch, Math.min(1000, left))) {
                        waiters.giveUp(id, latch);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                latch = waiters.register(id);
                Job fresh = queries.find(id).orElse(null);
                j = fresh == null ? j : fresh;
            }
            waiters.giveUp(id, latch); // drops the latch unless others still wait on it
        }
        JobView view = JobView.of(j, queries.logOf(id));
        if (wait && LOG.isDebugEnabled() && j.finishedAt != null) {
            LOG.debugf("job %d: waiter answers %.1f ms after the outcome's time", (Object) id,
                    java.time.Duration.between(j.finishedAt, java.time.Instant.now()).toNanos() / 1e6);
        }
        return view;
    }

    @GET
    @Path("/{id}/change")
    @Operation(operationId = "getJobChange",
            summary = "What the job changed on its VM: domain XML, disks' backing chains and snapshot list before and"
            + " after, files created and removed (with sizes), the record's digest and the audit event naming it;"
            + " 404 when nothing was recorded")
    public JobChanges.View change(@PathParam("id") long id) {
        queries.get(caller.get(), id, "job.read");
        return changes.find(id).orElseThrow(() -> new jakarta.ws.rs.NotFoundException("job " + id + " recorded no change"));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(operationId = "cancelJob",
            summary = "Cancel a queued job, or ask a running one to stop at its next check point")
    @APIResponse(responseCode = "409", description = "Refused: the job already ended")
    @APIResponseSchema(value = JobView.class, responseDescription = "The job after the request: CANCELLED when it was queued, else stopping at its next check point")
    public JobView cancel(@PathParam("id") long id) {
        return JobView.of(queue.cancel(caller.get(), id), null);
    }
}
