package io.strata.template;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

/** Sealing a VM into a template (its own class: JAX-RS picks the most specific class path first). */
@Path("/api/hosts/{host}/vms/{vm}/template")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "templates")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmTemplateResource {

    /** Template request: virt-sysprep operations (default "defaults"), SSH keys for root, hostname (default localhost). */
    public record NewTemplate(List<String> operations, List<String> sshKeys, String hostname) {
    }

    @Inject
    TemplateService templates;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createTemplate",
            summary = "Seal a shut-off VM into template-<vm> (a TEMPLATE_CREATE job; operators, admins):"
            + " virt-sysprep, images read-only, domain undefined")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"operations\": [\"defaults\", \"-ssh-userdir\"], \"hostname\": \"localhost\"}")))
    public Response create(@PathParam("host") String host, @PathParam("vm") String vm, NewTemplate body) {
        NewTemplate b = body == null ? new NewTemplate(null, null, null) : body;
        return JobAccepted.response(templates.create(caller.get(), host, vm, b.operations(), b.sshKeys(), b.hostname()));
    }

}
