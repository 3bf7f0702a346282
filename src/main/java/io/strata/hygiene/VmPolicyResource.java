package io.strata.hygiene;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.kernel.CurrentCaller;

/** A class of its own: JAX-RS matches the most specific class path first (see docs/DECISIONS.md). */
@Path("/api/hosts/{host}/vms/{vm}/policy")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshot policy")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmPolicyResource {

    @Inject
    PolicyService policy;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "getVmPolicy",
            summary = "A VM's snapshot policy: its overrides (null: inherited) and the effective values")
    public PolicyService.VmPolicy get(@PathParam("host") String host, @PathParam("vm") String vm) {
        return policy.vmPolicy(caller.get(), host, vm);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "replaceVmPolicy",
            summary = "Replace a VM's overrides (operators, admins): fields given override the global policy,"
            + " fields left out or null inherit it; {} removes every override")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"ageWarnDays\": 7, \"countWarn\": 5}")))
    public PolicyService.VmPolicy put(@PathParam("host") String host, @PathParam("vm") String vm, JsonNode body) {
        return policy.updateVm(caller.get(), host, vm, body);
    }
}
