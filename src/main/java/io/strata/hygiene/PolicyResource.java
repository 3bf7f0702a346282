package io.strata.hygiene;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.kernel.CurrentCaller;

@Path("/api/policy/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshot policy")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class PolicyResource {

    @Inject
    PolicyService policy;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "getSnapshotPolicy",
            summary = "The global snapshot policy: ageWarnDays, ageCriticalDays, countWarn, countCritical,"
            + " depthCritical, overlayWarnPercent, runningOnOldSnapshot, leaseMaxDays")
    public PolicyValues get() {
        return policy.global();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateSnapshotPolicy",
            summary = "Change the global snapshot policy (admins); fields left out keep their value; bad values"
            + " (wrong type, out of range, warn above critical) answer 400 and change nothing")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"ageWarnDays\": 3, \"ageCriticalDays\": 14, \"countWarn\": 3}")))
    public PolicyValues put(JsonNode body) {
        return policy.updateGlobal(caller.get(), body);
    }
}
