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
            @QueryParam("from") String from, @QueryParam("to") String to) {
        AuditQuery.Filter f = new AuditQuery.Filter(actor, vm, action, outcome, from, to, 500);
        return Templates.list(query.search(caller.get(), f), f, Outcome.values(), audit.verify());
    }
}
