package io.strata.job;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.ReaderLocale;

@Path("/jobs")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class JobPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<Job> jobs, JobQueries.Filter filter, JobState[] states, JobKind[] kinds);

        static native TemplateInstance job(Job job, List<JobLogLine> log, boolean canCancel, FormToken form,
                JobChanges.View change);

        /** The live part of the job page: drawn in the page, and sent again by its stream when the job changes. */
        static native TemplateInstance job$live(Job job, List<JobLogLine> log, boolean canCancel, FormToken form,
                JobChanges.View change);

        /** A job's state or progress bar inside another page (the VM list, a VM's page), sent by their stream. */
        static native TemplateInstance job$inline(Job job);
    }

    /**
     * The CSRF form field of the request that opened the page or stream: a stream's fragments are
     * drawn off the request, after it has gone, so the token is taken from the request at the start.
     */
    public record FormToken(String parameterName, String token) {
    }

    @Inject
    JobQueries queries;
    @Inject
    JobQueue queue;
    @Inject
    CurrentCaller caller;
    @Inject
    JobChanges changes;
    @Inject
    JobStreams streams;
    @Inject
    CurrentVertxRequest request;
    @Inject
    Refusals refusals;
    @Inject
    ReaderLocale reader;
    @ConfigProperty(name = "quarkus.rest-csrf.form-field-name")
    String csrfField;

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
        return Templates.job(j, queries.logOf(id), canCancel(caller.get(), j), formToken(), changes.find(id).orElse(null));
    }

    /**
     * The job page's live part as server-sent events: {@code job-<id>} with the fragment whenever
     * the job changes, then {@code end} once it is final. Authorised like the page.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") long id, @Context Sse sse) {
        Caller c = caller.get();
        queries.get(c, id, "job.read");
        FormToken form = formToken();
        Locale locale = reader.getLocale(); // the fragments are drawn off the request, in the page's language
        return streams.open(c, List.of(id), sse,
                j -> Templates.job$live(j, queries.logOf(j.id), canCancel(c, j), form,
                        j.state.isFinished() ? changes.find(j.id).orElse(null) : null).setLocale(locale).render());
    }

    /**
     * Several jobs' state or progress bar as server-sent events (one stream for a whole page, such
     * as the VM list): {@code job-<id>} per change, {@code end} once all are final.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> inlineEvents(@QueryParam("id") List<Long> ids, @Context Sse sse) {
        Caller c = caller.get();
        List<Long> wanted = ids == null ? List.of() : ids.stream().distinct().toList();
        if (wanted.isEmpty() || wanted.size() > JobStreams.MAX_JOBS) {
            throw refusals.refuse(c, "job.read", null, 400, "name 1 to " + JobStreams.MAX_JOBS + " jobs (id=…)");
        }
        queries.requireVisible(c, wanted, "job.read");
        Locale locale = reader.getLocale();
        return streams.open(c, wanted, sse, j -> Templates.job$inline(j).setLocale(locale).render());
    }

    @POST
    @Path("/{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        queue.cancel(caller.get(), id);
        return Response.seeOther(URI.create("/jobs/" + id)).build();
    }

    private static boolean canCancel(Caller c, Job j) {
        return !j.state.isFinished() && (c.actsOnAllVms() || c.name().equals(j.actor));
    }

    private FormToken formToken() {
        Object token = request.getCurrent() == null ? null : request.getCurrent().get("csrf_token");
        return new FormToken(csrfField, token == null ? "" : token.toString());
    }
}
