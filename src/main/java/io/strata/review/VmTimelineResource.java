package io.strata.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;

/** A VM's timeline; a class of its own so its path outranks {@code /api/hosts}. */
@Path("/api/hosts/{host}/vms/{vm}/timeline")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmTimelineResource {

    @Inject
    Timelines timelines;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "getVmTimeline",
            summary = "A VM's audit events and jobs, newest first (before=<seq>, limit); whoever may see the VM")
    public Timelines.Timeline vm(@PathParam("host") String host, @PathParam("vm") String vm,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit) {
        return timelines.ofVm(caller.get(), host, vm, before, limit);
    }
}
