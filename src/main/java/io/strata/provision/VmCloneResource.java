package io.strata.provision;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.job.JobAccepted;
import io.strata.kernel.CurrentCaller;

/** Cloning and deleting a VM: each request is a job (202). */
@Path("/api/hosts/{host}/vms/{vm}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "vms")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmCloneResource {

    @Inject
    VmCloneService clones;
    @Inject
    VmDeleteService deletes;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/clone")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cloneVm",
            summary = "Clone a shut-off or paused VM into a new independent one (a job): {name, start, hostname,"
            + " sshKey, reset}; reset runs virt-sysprep machine-id and ssh-hostkeys on the clone")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"name\": \"web-1-copy\", \"start\": false, \"reset\": true, \"hostname\": \"web-1-copy\"}")))
    public Response clone(@PathParam("host") String host, @PathParam("vm") String vm, VmCloneService.Request body) {
        return JobAccepted.response(clones.clone(caller.get(), host, vm, body));
    }

    @DELETE
    @Operation(operationId = "deleteVm",
            summary = "Delete a VM (a job): its snapshots, its definition and, with disks=true, the image files"
            + " only it used; force=true forces a running VM off first")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response delete(@PathParam("host") String host, @PathParam("vm") String vm, @QueryParam("disks") String disks,
            @QueryParam("force") String force) {
        return JobAccepted.response(deletes.delete(caller.get(), host, vm, disks, force));
    }
}
