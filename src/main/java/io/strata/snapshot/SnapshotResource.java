package io.strata.snapshot;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/api/hosts/{host}/vms/{vm}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshots")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class SnapshotResource {

    @Inject
    SnapshotService snapshots;
    @Inject
    CurrentCaller caller;

    @GET
    @Path("/snapshots")
    @Operation(operationId = "getSnapshotTree",
            summary = "The VM's snapshots as a tree (roots first, children nested, oldest first), with kind, age,"
            + " current marker and, for external ones, their files and the bytes their overlays hold")
    public List<SnapshotNode> tree(@PathParam("host") String host, @PathParam("vm") String vm) {
        return snapshots.tree(caller.get(), host, vm);
    }

    @POST
    @Path("/snapshots")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createSnapshot",
            summary = "Create a snapshot (a job): {name, description, kind: internal|external, quiesce, pause}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"name\": \"before-upgrade\", \"description\": \"clean state\", \"kind\": \"external\", \"quiesce\": true, \"reason\": \"kernel upgrade\"}")))
    public Response create(@PathParam("host") String host, @PathParam("vm") String vm, SnapshotService.NewSnapshot body) {
        SnapshotService.NewSnapshot b = body == null ? new SnapshotService.NewSnapshot(null, null, null, null, null) : body;
        return JobAccepted.response(snapshots.create(caller.get(), host, vm, b));
    }

    @POST
    @Path("/snapshots/{snap}/revert")
    @Operation(operationId = "revertSnapshot",
            summary = "Revert the VM to a snapshot (a job): {start, shutdown, force, timeoutSeconds (1..3600, default"
            + " 120)}; with shutdown: true one job shuts a running VM down (graceful, forced off at the timeout only"
            + " with force), reverts and, with start, starts it; without it an external revert needs the VM shut off")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"start\": true, \"shutdown\": true, \"force\": false, \"timeoutSeconds\": 120}")))
    public Response revert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            JsonNode body) {
        return JobAccepted.response(snapshots.revert(caller.get(), host, vm, snap, body));
    }

    @DELETE
    @Path("/snapshots/{snap}")
    @Operation(operationId = "deleteSnapshot",
            summary = "Delete a snapshot (a job); its children move to its parent. An external snapshot's overlay"
            + " is merged into its image first (block commit; active commit and pivot on a running VM);"
            + " ?bandwidth=MiB/s limits the merge")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response delete(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            @QueryParam("bandwidth") Long bandwidthMiB) {
        return JobAccepted.response(snapshots.delete(caller.get(), host, vm, snap, bandwidthMiB));
    }

    @POST
    @Path("/merge")
    @Operation(operationId = "mergeAllSnapshots",
            summary = "Merge all (a job): commit the VM's whole external chain into its base images, point the VM"
            + " at them, clear the snapshot list and remove the overlay files; ?bandwidth=MiB/s limits the merge")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response mergeAll(@PathParam("host") String host, @PathParam("vm") String vm,
            @QueryParam("bandwidth") Long bandwidthMiB) {
        return JobAccepted.response(snapshots.mergeAll(caller.get(), host, vm, bandwidthMiB));
    }
}
