package io.strata.provision;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;

/** POST /api/templates/{template}/provision: the provisioning API, beside the catalogue's own resource. */
@Path("/api/templates/{template}/provision")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "provisioning")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class TemplateProvisionResource {

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Provision VMs from a template: {name | namePattern, count, method: thin|clone, hostname,"
            + " sshKey, start, host} → 202 with the batch and its job ids")
    public Response provision(@PathParam("template") String name, ProvisionService.Request body) {
        ProvisionService.Request r = body == null ? new ProvisionService.Request(null, null, null, null, null, null, null, null) : body;
        ProvisionService.Accepted a = provisioning.provision(caller.get(), name, r);
        return Response.status(202).entity(Map.of("batchId", a.batchId(), "jobIds", a.jobIds(), "names", a.names(),
                "href", "/api/batches/" + a.batchId())).build();
    }
}
