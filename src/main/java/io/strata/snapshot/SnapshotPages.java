package io.strata.snapshot;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

/** The snapshot forms of the VM page; each queues a job and sends the browser to it. */
@Path("/vms/{host}/{vm}")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class SnapshotPages {

    @Inject
    SnapshotService snapshots;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/snapshots")
    public Response create(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("name") String name,
            @FormParam("description") String description, @FormParam("kind") String kind,
            @FormParam("quiesce") String quiesce, @FormParam("pause") String pause) {
        return JobAccepted.redirectToPage(snapshots.create(caller.get(), host, vm, new SnapshotService.NewSnapshot(
                name, description, kind, quiesce != null, pause != null)));
    }

    @POST
    @Path("/snapshots/{snap}/revert")
    public Response revert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            @FormParam("start") String start) {
        return JobAccepted.redirectToPage(snapshots.revert(caller.get(), host, vm, snap, start != null));
    }

    @POST
    @Path("/merge")
    public Response mergeAll(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.redirectToPage(snapshots.mergeAll(caller.get(), host, vm, null));
    }

    @POST
    @Path("/snapshots/{snap}/delete")
    public Response delete(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap) {
        return JobAccepted.redirectToPage(snapshots.delete(caller.get(), host, vm, snap, null));
    }
}
