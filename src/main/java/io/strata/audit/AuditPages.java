package io.strata.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;

@Path("/audit")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "auditor", "admin" })
public class AuditPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(AuditQuery.Page page, AuditQuery.Filter filter, Outcome[] outcomes,
                ChainVerification chain, String query);
    }

    @Inject
    AuditQuery query;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;
    @Inject
    AuditExport export;

    @GET
    public TemplateInstance list(@QueryParam("actor") String actor, @QueryParam("host") String host,
            @QueryParam("vm") String vm, @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("q") String text,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit, @QueryParam("verify") String verify) {
        AuditQuery.Filter f = new AuditQuery.Filter(actor, host, vm, action, outcome, from, to, text, before, limit);
        // The page checks what came since the latest anchor (fast at any size); the button asks for the full walk.
        ChainVerification chain = "full".equals(verify) ? audit.verify() : audit.verifySinceAnchor();
        return Templates.list(query.search(caller.get(), f), f, Outcome.values(), chain, queryString(f));
    }

    /** The same export as {@code GET /api/audit/export}, for the browser's session (format=csv|jsonl). */
    @GET
    @Path("/export")
    @Produces({ "text/csv", "application/x-ndjson" })
    public Response export(@QueryParam("format") String format, @QueryParam("actor") String actor,
            @QueryParam("host") String host, @QueryParam("vm") String vm, @QueryParam("action") String action,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("q") String text) {
        return export.download(caller.get(), format, new AuditQuery.Filter(actor, host, vm, action, outcome, from, to, text, null, null));
    }

    /** The filter as a query string (without paging), for the next-page and export links. */
    static String queryString(AuditQuery.Filter f) {
        StringBuilder b = new StringBuilder();
        param(b, "actor", f.actor());
        param(b, "host", f.host());
        param(b, "vm", f.vm());
        param(b, "action", f.action());
        param(b, "outcome", f.outcome());
        param(b, "from", f.from());
        param(b, "to", f.to());
        param(b, "q", f.text());
        if (f.limit() != null) {
            param(b, "limit", Integer.toString(f.pageSize()));
        }
        return b.toString();
    }

    private static void param(StringBuilder b, String name, String value) {
        if (value != null && !value.isBlank()) {
            b.append(b.isEmpty() ? "" : "&").append(name).append('=')
                    .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
