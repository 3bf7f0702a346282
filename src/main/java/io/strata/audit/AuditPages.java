package io.strata.audit;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

@Path("/audit")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "auditor", "admin" })
public class AuditPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<AuditEvent> events, AuditQuery.Filter filter, Outcome[] outcomes,
                ChainVerification chain);
    }

    @Inject
    AuditQuery query;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;

    @GET
    public TemplateInstance list(@QueryParam("actor") String actor, @QueryParam("vm") String vm,
            @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("verify") String verify) {
        AuditQuery.Filter f = new AuditQuery.Filter(actor, vm, action, outcome, from, to, 500);
        // The page checks what came since the latest anchor (fast at any size); the button asks for the full walk.
        ChainVerification chain = "full".equals(verify) ? audit.verify() : audit.verifySinceAnchor();
        return Templates.list(query.search(caller.get(), f), f, Outcome.values(), chain);
    }
}
