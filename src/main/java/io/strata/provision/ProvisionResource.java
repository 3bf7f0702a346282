package io.strata.provision;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobView;

@Path("/api/batches")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "provisioning")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class ProvisionResource {

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @GET
    @Path("/{id}")
    @Operation(operationId = "getBatch",
            summary = "A provisioning batch: its jobs and their states")
    public Map<String, Object> batch(@PathParam("id") long id) {
        List<JobView> jobs = provisioning.batchJobs(caller.get(), id).stream().map(j -> JobView.of(j, null)).toList();
        ProvisionBatch b = provisioning.batch(id);
        return Map.of("id", id, "template", b.template, "method", b.method, "namePattern", b.namePattern, "count", b.count,
                "actor", b.actor, "jobs", jobs);
    }
}
