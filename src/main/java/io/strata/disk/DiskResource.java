package io.strata.disk;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;
import io.strata.libvirt.DiskInfo;

@Path("/api/hosts/{host}/vms/{vm}/disks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "disks")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class DiskResource {

    @Inject
    DiskService disks;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "listDisks",
            summary = "The VM's disks with their backing chains, top first (file, format, virtual and allocated size), read now")
    public List<DiskInfo> list(@PathParam("host") String host, @PathParam("vm") String vm) {
        return disks.disks(caller.get(), host, vm);
    }

    /** Conversion request: the new format, and consent to lose internal snapshots. */
    public record ConvertRequest(String format, Boolean confirmLoss) {
    }

    @POST
    @Path("/{target}/convert")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "convertDisk",
            summary = "Convert a shut-off VM's disk raw ⇄ qcow2 (a DISK_CONVERT job): written beside, compared,"
            + " repointed, old removed; {format, confirmLoss}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"format\": \"qcow2\", \"confirmLoss\": false}")))
    public Response convert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("target") String target,
            ConvertRequest body) {
        ConvertRequest b = body == null ? new ConvertRequest(null, null) : body;
        return JobAccepted.response(disks.convert(caller.get(), host, vm, target, b.format(), Boolean.TRUE.equals(b.confirmLoss())));
    }

    @POST
    @Path("/{target}/check")
    @Operation(operationId = "checkDisk",
            summary = "Check every image of a disk's chain with qemu-img check (a DISK_CHECK job)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response check(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("target") String target) {
        return JobAccepted.response(disks.check(caller.get(), host, vm, target));
    }
}
