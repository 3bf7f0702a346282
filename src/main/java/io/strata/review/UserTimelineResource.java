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

/** A user's timeline; a class of its own so its path outranks {@code /api/users}. */
@Path("/api/users/{name}/timeline")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class UserTimelineResource {

    @Inject
    Timelines timelines;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "getUserTimeline",
            summary = "What a user did, newest first (before=<seq>, limit); the user themselves, auditors, admins")
    public Timelines.Timeline user(@PathParam("name") String name, @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit) {
        return timelines.ofUser(caller.get(), name, before, limit);
    }
}
