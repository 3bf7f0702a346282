package io.strata.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;

@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@RolesAllowed({ "auditor", "admin" })
public class AuditResource {

    @Inject
    AuditQuery query;
    @Inject
    AuditExport export;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "searchAudit",
            summary = "Audit events, newest first, one page: filters actor, host, vm, action, outcome, from, to (ISO"
            + " times), q (words that must all appear in action, target or details); before=<seq> and limit (1..1000,"
            + " default 100) page; the next page's link is in the Link header (rel=next) and X-Next-Before")
    public Response search(@QueryParam("actor") String actor, @QueryParam("host") String host, @QueryParam("vm") String vm,
            @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("q") String text,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        AuditQuery.Page page = query.search(caller.get(),
                new AuditQuery.Filter(actor, host, vm, action, outcome, from, to, text, before, limit));
        Response.ResponseBuilder r = Response.ok(page.events());
        if (page.nextBefore() != null) {
            r.header("X-Next-Before", page.nextBefore());
            r.link(uri.getRequestUriBuilder().replaceQueryParam("before", page.nextBefore()).build(), "next");
        }
        return r.build();
    }

    @GET
    @Path("/export")
    @Produces({ "text/csv", "application/x-ndjson" })
    @Operation(operationId = "exportAudit",
            summary = "Export every event the filters match (format=csv|jsonl), streamed, oldest first: a head record"
            + " (chain head at export time), then from the first match up to the head each event whole or as a link"
            + " (seq, prev_hash, hash), so the export can be checked offline")
    public Response export(@QueryParam("format") String format, @QueryParam("actor") String actor,
            @QueryParam("host") String host, @QueryParam("vm") String vm, @QueryParam("action") String action,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("q") String text) {
        return export.download(caller.get(), format, new AuditQuery.Filter(actor, host, vm, action, outcome, from, to, text, null, null));
    }

    @GET
    @Path("/verify")
    @Operation(operationId = "verifyAudit",
            summary = "Check the sealed chain against its key and its anchors and name every finding (changed, re-sealed, "
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
