package io.strata.template;

import java.util.Arrays;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.strata.job.JobAccepted;
import io.strata.kernel.CurrentCaller;

/**
 * The VM page's "Seal into a template" form. Its own resource with the full path: under a class at
 * "/" the request was matched to the "/vms" pages class first, which has no such method (404).
 */
@Path("/vms/{host}/{vm}/template")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class TemplateSealPages {

    @Inject
    TemplateService templates;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response seal(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("operations") String operations,
            @FormParam("hostname") String hostname, @FormParam("sshKey") String sshKey) {
        List<String> ops = operations == null || operations.isBlank() ? List.of()
                : Arrays.stream(operations.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<String> keys = sshKey == null || sshKey.isBlank() ? List.of() : List.of(sshKey.strip());
        return JobAccepted.redirectToPage(templates.create(caller.get(), host, vm, ops, keys,
                hostname == null || hostname.isBlank() ? null : hostname));
    }
}
