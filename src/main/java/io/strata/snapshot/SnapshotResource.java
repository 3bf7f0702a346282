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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.auth.Caller;
import io.strata.auth.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/api/hosts/{host}/vms/{vm}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshots")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class SnapshotResource {

    public record NewSnapshot(String name, String description, String kind) {
    }

    @Inject
    SnapshotService snapshots;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(summary = "The VM's snapshots as a tree (roots first, children nested, oldest first)")
    public List<SnapshotNode> tree(@PathParam("host") String host, @PathParam("vm") String vm) {
        return snapshots.tree(caller.get(), host, vm);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a snapshot (a job): {name, description, kind: internal}")
    public Response create(@PathParam("host") String host, @PathParam("vm") String vm, NewSnapshot body) {
        NewSnapshot b = body == null ? new NewSnapshot(null, null, null) : body;
        return JobAccepted.response(snapshots.create(caller.get(), host, vm, b.name(), b.description(), b.kind()));
    }

    @POST
    @Path("/{snap}/revert")
    @Operation(summary = "Revert the VM to a snapshot (a job)")
    public Response revert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap) {
        return JobAccepted.response(snapshots.revert(caller.get(), host, vm, snap));
    }

    @DELETE
    @Path("/{snap}")
    @Operation(summary = "Delete a snapshot (a job); its children move to its parent")
    public Response delete(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap) {
        return JobAccepted.response(snapshots.delete(caller.get(), host, vm, snap));
    }
}
