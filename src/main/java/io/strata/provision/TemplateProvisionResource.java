package io.strata.provision;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
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

    /** The answer to a provision request: the batch, its jobs (one per VM) and the names they make. */
    public record BatchAccepted(long batchId, List<Long> jobIds, List<String> names, String href) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "provisionFromTemplate",
            summary = "Provision VMs from a template: {name | namePattern, count, method: thin|clone, hostname,"
            + " sshKey, start, host} → 202 with the batch and its job ids")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"namePattern\": \"web-{n}\", \"count\": 2, \"method\": \"thin\", \"hostname\": \"web-{n}\", \"start\": true}")))
    @APIResponseSchema(value = BatchAccepted.class, responseCode = "202", responseDescription = "Queued: one job per VM")
    public Response provision(@PathParam("template") String name, ProvisionService.Request body) {
        ProvisionService.Request r = body == null ? new ProvisionService.Request(null, null, null, null, null, null, null, null) : body;
        ProvisionService.Accepted a = provisioning.provision(caller.get(), name, r);
        return Response.status(202).entity(new BatchAccepted(a.batchId(), a.jobIds(), a.names(), "/api/batches/" + a.batchId()))
                .build();
    }
}
