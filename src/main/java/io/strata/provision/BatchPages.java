package io.strata.provision;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;
import io.strata.job.Job;

/** A provisioning batch: one row per VM with its job's state; reloads while jobs run. */
@Path("/batches/{id}")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class BatchPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance batch(ProvisionBatch batch, List<Job> jobs, boolean running);
    }

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance batch(@PathParam("id") long id) {
        List<Job> jobs = provisioning.batchJobs(caller.get(), id);
        return Templates.batch(provisioning.batch(id), jobs, jobs.stream().anyMatch(j -> !j.state.isFinished()));
    }
}
