package io.strata.vm;


import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/api/hosts/{host}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "vms")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmResource {

    public record OwnerChange(String owner) {
    }

    @Inject
    VmAccess access;
    @Inject
    VmViews views;
    @Inject
    VmService service;
    @Inject
    CurrentCaller caller;

    @GET
    @Path("/vms")
    @Operation(operationId = "listVms",
            summary = "The VMs of a host the caller may see (from the inventory cache)")
    @APIResponse(responseCode = "200", description = "The VMs, by name; gzip-compressed when Accept-Encoding allows"
            + " it. An ETag comes with them (the compressed and the plain body have different ones), and a request"
            + " whose If-None-Match names the current one gets 304 Not Modified",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = VmView.class)))
    public Response list(@PathParam("host") String host, @Context HttpHeaders headers) {
        access.requireHost(caller.get(), host, "vm.list", host);
        // Serialized (and compressed) once per inventory version and audience: a thousand VMs are half a megabyte of JSON.
        return access.jsonOn(caller.get(), host).response(headers.getHeaderString(HttpHeaders.IF_NONE_MATCH),
                headers.getHeaderString(HttpHeaders.ACCEPT_ENCODING));
    }

    @GET
    @Path("/vms/{vm}")
    @Operation(operationId = "getVm",
            summary = "One VM: state, vCPUs, memory, disks with backing chains, guestAgent (its QEMU guest agent"
            + " answers a ping; checked at most every 10 s)")
    public VmView get(@PathParam("host") String host, @PathParam("vm") String vm) {
        return views.detail(access.forReading(caller.get(), host, vm, "vm.read"));
    }

    @POST
    @Path("/vms/{vm}/sync")
    @Operation(operationId = "syncVm",
            summary = "Refresh one VM from libvirt (a job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response syncVm(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(service.syncVm(caller.get(), host, vm));
    }

    @POST
    @Path("/sync")
    @Operation(operationId = "syncHost",
            summary = "Refresh a whole host from libvirt (a job; operator or admin)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response syncHost(@PathParam("host") String host) {
        return JobAccepted.response(service.syncHost(caller.get(), host));
    }

    @POST
    @Path("/vms/{vm}/start")
    @Operation(operationId = "startVm",
            summary = "Start a shut-off VM (a job); a sealed template answers 409")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response start(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.response(service.start(caller.get(), host, vm));
    }

    @PUT
    @Path("/vms/{vm}/owner")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setVmOwner",
            summary = "Assign a VM's owner (admin; written into the domain's metadata by a job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"owner\": \"alice\"}")))
    public Response assignOwner(@PathParam("host") String host, @PathParam("vm") String vm, OwnerChange body) {
        return JobAccepted.response(service.assignOwner(caller.get(), host, vm, body == null ? null : body.owner()));
    }
}
