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
    @Operation(summary = "Check the sealed chain against its key and its anchors and name every finding (changed, re-sealed, "
            + "inserted, deleted events, a deleted tail, a restored older copy, key or trigger problems). "
            + "scope=full (default) walks every event; scope=since-anchor checks the latest anchored event and what followed")
    public ChainVerification verify(@QueryParam("scope") String scope) {
        if (scope == null || scope.isBlank() || scope.equals("full")) {
            return audit.verify();
        }
        if (scope.equals("since-anchor")) {
            return audit.verifySinceAnchor();
        }
        throw new jakarta.ws.rs.BadRequestException("scope is full or since-anchor");
    }
}
