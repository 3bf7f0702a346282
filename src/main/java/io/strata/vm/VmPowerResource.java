package io.strata.vm;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.job.JobAccepted;
import io.strata.kernel.CurrentCaller;

/** The VM lifecycle API: each request is a job (202); a request that does not fit the VM's state gets 409. */
@Path("/api/hosts/{host}/vms/{vm}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "vms")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmPowerResource {

    @Inject
    VmPowerService power;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/shutdown")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "shutdownVm",
            summary = "Shut a running VM down gracefully (a job): {timeoutSeconds (1..3600, default 120), force,"
            + " mode: acpi | agent | default}; waits until shut off, then fails, or forces it off when force")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"timeoutSeconds\": 120, \"force\": false, \"mode\": \"acpi\"}")))
    public Response shutdown(@PathParam("host") String host, @PathParam("vm") String vm, JsonNode body) {
        return JobAccepted.response(power.shutdown(caller.get(), host, vm, VmPowerService.ShutdownOptions.of(body)));
    }

    @POST
    @Path("/destroy")
    @Operation(operationId = "destroyVm",
            summary = "Force a VM off at once, like pulling the plug (a job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response destroy(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(power.destroy(caller.get(), host, vm));
    }

    @POST
    @Path("/reboot")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "rebootVm",
            summary = "Reboot a running VM (a job): {mode: acpi | agent | default}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"mode\": \"acpi\"}")))
    public Response reboot(@PathParam("host") String host, @PathParam("vm") String vm, JsonNode body) {
        return JobAccepted.response(power.reboot(caller.get(), host, vm, body == null ? null : body.get("mode")));
    }

    @POST
    @Path("/suspend")
    @Operation(operationId = "suspendVm",
            summary = "Pause a running VM (a job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response suspend(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(power.suspend(caller.get(), host, vm));
    }

    @POST
    @Path("/resume")
    @Operation(operationId = "resumeVm",
            summary = "Resume a paused VM (a job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response resume(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(power.resume(caller.get(), host, vm));
    }
}
