package io.strata.provision;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/api/hosts/{host}/vms/{vm}/flatten")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "provisioning")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class FlattenResource {

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @POST
    @Operation(operationId = "flattenVm",
            summary = "Make a thin VM independent of its template (a VM_FLATTEN job; VM shut off)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response flatten(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(provisioning.flatten(caller.get(), host, vm));
    }

}
