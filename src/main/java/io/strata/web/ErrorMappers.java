package io.strata.web;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.ForbiddenException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.job.JobConflict;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;
import io.strata.libvirt.LibvirtFailure;
import io.strata.kernel.Refused;

/**
 * Every error leaves as JSON {status, error, message} for /api and as a page for browsers. Errors
 * no resource audited (libvirt failures, refusals of the REST layer) are audited here; the request
 * is marked so the access auditor does not record an already audited refusal twice. A refusal with a
 * key carries it in the JSON ({@code key}) and is shown in the reader's language on the page, with
 * the English original beneath.
 */
public class ErrorMappers {

    @Inject
    CurrentVertxRequest request;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;

    @Inject
    ErrorPages pages;

    @ServerExceptionMapper
    public Response refused(Refused e) {
        markAudited();
        return respond(e.status, e.getMessage(), e.key(), e.args());
    }

    /**
     * A role check of the REST layer (@RolesAllowed) said no: the same {status, error, message} as every
     * other error (the API contract promises it). AccessAudit records the denial; it is not marked here.
     */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(403, "your roles do not allow this");
    }

    @ServerExceptionMapper
    public Response jobConflict(JobConflict e) {
        markAudited();
        if (e.vm == null) {
            return respond(409, e.getMessage(), "batch_busy", List.of());
        }
        return respond(409, e.getMessage(), "vm_busy",
                List.of(e.vm, e.activeJobId == null ? "" : e.activeJobId.toString()));
    }

    @ServerExceptionMapper
    public Response libvirt(LibvirtFailure e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case HOST_UNAVAILABLE -> 503;
            case FAILED -> 502;
        };
        auditAlone("libvirt", Outcome.FAILED, status, e.getMessage());
        return respond(status, e.getMessage());
    }

    @ServerExceptionMapper(priority = 5000)
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 401 || status == 302 || status == 303) {
            return e.getResponse();
        }
        if (e.getCause() instanceof NulFreeJson.NulInJson nul) {
            String why = nul.getOriginalMessage() + fieldOf(nul) + ": PostgreSQL text cannot hold it";
            auditAlone("request", Outcome.REFUSED, 400, why);
            return respond(400, why);
        }
        if (e instanceof NotFoundException && e.getCause() != null) {
            // JAX-RS answers 404 for a path or query parameter it cannot convert (?limit=abc, /jobs/1e400):
            // the endpoint exists, the request is bad. Said so, and audited (a read of nothing is not).
            String why = "unreadable parameter: " + InputRules.printable(String.valueOf(e.getCause().getMessage()));
            auditAlone("request", Outcome.REFUSED, 400, why);
            return respond(400, why);
        }
        boolean readOfNothing = status == 404 && request.getCurrent() != null
                && request.getCurrent().request().method().name().matches("GET|HEAD");
        if (status >= 400 && !readOfNothing) {
            auditAlone("request", status >= 500 ? Outcome.FAILED : status == 403 || status == 404 ? Outcome.DENIED
                    : Outcome.REFUSED, status, e.getMessage());
        }
        return respond(status, e.getMessage());
    }

    /** " (field x)" for the innermost named field of a JSON read that failed, or nothing. */
    private static String fieldOf(com.fasterxml.jackson.databind.JsonMappingException e) {
        var path = e.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i).getFieldName() != null) {
                return " (field " + InputRules.printable(path.get(i).getFieldName()) + ")";
            }
        }
        return "";
    }

    /** Audits an error answered here, in a transaction of its own (the request's rolls back). */
    private void auditAlone(String action, Outcome outcome, int status, String message) {
        var rc = request.getCurrent();
        String what = rc == null ? "" : rc.request().method() + " " + rc.normalizedPath();
        try {
            audit.recordAlone(caller.get(), action, what, null, outcome, status + ": " + message);
            markAudited();
        } catch (RuntimeException notAudited) {
            // the access auditor records it then (it sees no mark)
        }
    }

    private void markAudited() {
        if (request.getCurrent() != null) {
            request.getCurrent().put(Refused.AUDITED_MARK, Boolean.TRUE);
        }
    }

    private Response respond(int status, String message) {
        return respond(status, message, null, List.of());
    }

    private Response respond(int status, String message, String key, List<String> args) {
        String path = request.getCurrent() == null ? "/api" : request.getCurrent().normalizedPath();
        if (path.startsWith("/api")) {
            return Response.status(status).type(MediaType.APPLICATION_JSON)
                    .entity(new ApiError(status, ErrorPages.reason(status), message, key)).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML).entity(pages.render(status, message, key, args)).build();
    }
}
