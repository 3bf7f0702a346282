package io.strata.job;

import java.net.URI;

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
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

@Path("/jobs")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class JobPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<Job> jobs, JobQueries.Filter filter, JobState[] states, JobKind[] kinds);

        static native TemplateInstance job(Job job, List<JobLogLine> log, boolean canCancel, JobChanges.View change);

        /** The live part of the job page, fetched again while the job is active. */
        static native TemplateInstance live(Job job, List<JobLogLine> log, boolean canCancel);
    }

    @Inject
    JobQueries queries;
    @Inject
    JobQueue queue;
    @Inject
    CurrentCaller caller;
    @Inject
    JobChanges changes;

    @GET
    public TemplateInstance list(@QueryParam("state") String state, @QueryParam("kind") String kind,
            @QueryParam("host") String host, @QueryParam("vm") String vm, @QueryParam("actor") String actor) {
        JobQueries.Filter f = new JobQueries.Filter(state, kind, host, vm, actor, 200);
        return Templates.list(queries.list(caller.get(), f), f, JobState.values(),
                java.util.Arrays.stream(JobKind.values()).filter(k -> !k.benchmarkOnly()).toArray(JobKind[]::new));
    }

    @GET
    @Path("/{id}")
    public TemplateInstance job(@PathParam("id") long id) {
        Job j = queries.get(caller.get(), id, "job.read");
        return Templates.job(j, queries.logOf(id), canCancel(j), changes.find(id).orElse(null));
    }

    @GET
    @Path("/{id}/live")
    public TemplateInstance live(@PathParam("id") long id) {
        Job j = queries.get(caller.get(), id, "job.read");
        return Templates.live(j, queries.logOf(id), canCancel(j));
    }

    @POST
    @Path("/{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        queue.cancel(caller.get(), id);
        return Response.seeOther(URI.create("/jobs/" + id)).build();
    }

    private boolean canCancel(Job j) {
        return !j.state.isFinished() && (caller.get().actsOnAllVms() || caller.get().name().equals(j.actor));
    }
}
