package io.strata.provision;

import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.ReaderLocale;
import io.strata.job.Job;
import io.strata.job.JobStreams;

/** A provisioning batch: one row per VM with its job's state, updated by a stream while jobs run. */
@Path("/batches/{id}")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class BatchPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance batch(ProvisionBatch batch, List<Job> jobs, boolean running);

        /** One VM's row, drawn in the page and sent again by the batch's stream when its job changes. */
        static native TemplateInstance batch$row(Job j);
    }

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;
    @Inject
    JobStreams streams;
    @Inject
    ReaderLocale reader;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance batch(@PathParam("id") long id) {
        List<Job> jobs = provisioning.batchJobs(caller.get(), id);
        return Templates.batch(provisioning.batch(id), jobs, jobs.stream().anyMatch(j -> !j.state.isFinished()));
    }

    /** The batch's rows as server-sent events while its jobs run (see {@link JobStreams}); authorised like the page. */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") long id, @Context Sse sse) {
        Caller c = caller.get();
        List<Job> jobs = provisioning.batchJobs(c, id);
        Locale locale = reader.getLocale(); // the rows are drawn off the request, in the page's language
        return streams.open(c, jobs.stream().map(j -> j.id).toList(), sse,
                j -> Templates.batch$row(j).setLocale(locale).render());
    }
}
