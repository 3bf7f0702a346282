package io.strata.hygiene;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.kernel.CurrentCaller;

@Path("/api/hosts/{host}/vms/{vm}/snapshots/{snap}/lease")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshot policy")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class LeaseResource {

    @Inject
    Leases leases;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "extendSnapshotLease",
            summary = "Extend a snapshot's lease to now + days (1..the policy's leaseMaxDays; beyond: 409) with a"
            + " reason (required, at most 200 characters): the VM's owner, operators, admins")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"days\": 7, \"reason\": \"upgrade tests run until Friday\"}")))
    @APIResponse(responseCode = "409", description = "Refused: days beyond the policy's lease maximum")
    @APIResponseSchema(value = Leases.Lease.class, responseDescription = "The new lease")
    public Leases.Lease extend(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            JsonNode body) {
        return leases.extend(caller.get(), host, vm, snap, body);
    }
}
