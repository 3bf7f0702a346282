package io.strata.audit;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@RolesAllowed({ "auditor", "admin" })
public class AuditResource {

    @Inject
    AuditQuery query;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(summary = "Audit events, newest first; filters: actor, vm, action, outcome, from, to (ISO times), limit")
    public List<AuditEvent> search(@QueryParam("actor") String actor, @QueryParam("vm") String vm,
            @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") Integer limit) {
        return query.search(caller.get(), new AuditQuery.Filter(actor, vm, action, outcome, from, to, limit));
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Walk the hash chain and report the first event that was changed, removed or inserted")
    public ChainVerification verify() {
        return audit.verify();
    }
}
