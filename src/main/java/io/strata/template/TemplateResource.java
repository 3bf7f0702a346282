package io.strata.template;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "templates")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class TemplateResource {

    @Inject
    TemplateService templates;
    @Inject
    CurrentCaller caller;

    @GET
        @Operation(operationId = "listTemplates",
                summary = "The template catalogue: source VM, sizes, sealed date, operations, thin dependents")
    public List<TemplateService.TemplateView> list() {
        return templates.list(caller.get());
    }

    @GET
    @Path("/{template}")
    @Operation(operationId = "getTemplate",
            summary = "One template")
    public TemplateService.TemplateView get(@PathParam("template") String name, @QueryParam("host") @DefaultValue("local") String host) {
        return templates.get(caller.get(), host, name);
    }

    @DELETE
    @Path("/{template}")
    @Operation(operationId = "deleteTemplate",
            summary = "Delete a template without thin dependents (a job; operators, admins)")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response delete(@PathParam("template") String name, @QueryParam("host") @DefaultValue("local") String host) {
        return JobAccepted.response(templates.delete(caller.get(), host, name));
    }
}
