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

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

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
            @FormParam("quiesce") String quiesce, @FormParam("pause") String pause, @FormParam("reason") String reason) {
        return JobAccepted.redirectToPage(snapshots.create(caller.get(), host, vm, new SnapshotService.NewSnapshot(
                name, description, kind, quiesce != null, pause != null, reason)));
    }

    @POST
    @Path("/snapshots/{snap}/revert")
    public Response revert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            @FormParam("start") String start, @FormParam("shutdown") String shutdown, @FormParam("force") String force,
            @FormParam("timeoutSeconds") String timeoutSeconds) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("start", start != null)
                .put("shutdown", shutdown != null).put("force", force != null);
        // Only the shutdown reads the timeout; a bad one is left as text so the service refuses it (400).
        if (shutdown != null && timeoutSeconds != null && !timeoutSeconds.isBlank()) {
            String t = timeoutSeconds.strip();
            body.set("timeoutSeconds", t.matches("-?[0-9]{1,9}") ? IntNode.valueOf(Integer.parseInt(t)) : TextNode.valueOf(t));
        }
        return JobAccepted.redirectToPage(snapshots.revert(caller.get(), host, vm, snap, body));
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
