package io.strata.template;

import java.util.Arrays;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.auth.CurrentCaller;
import io.strata.job.JobAccepted;
import io.strata.provision.ProvisionService;

/** The template catalogue and its forms: provision (thin, clone, bulk), delete, and sealing from a VM page. */
@Path("/")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class TemplatePages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<TemplateService.TemplateView> templates, boolean operator, boolean mayProvision);
    }

    @Inject
    TemplateService templates;
    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @GET
    @Path("templates")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        var c = caller.get();
        return Templates.list(templates.list(c), c.actsOnAllVms(), c.mayChangeVms());
    }

    @POST
    @Path("templates/{template}/provision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response provision(@PathParam("template") String template, @FormParam("host") String host,
            @FormParam("name") String name, @FormParam("count") Integer count, @FormParam("method") String method,
            @FormParam("hostname") String hostname, @FormParam("sshKey") String sshKey, @FormParam("start") String start) {
        boolean many = count != null && count > 1;
        ProvisionService.Accepted a = provisioning.provision(caller.get(), template, new ProvisionService.Request(host,
                many ? null : name, many ? name : null, count, method, blankToNull(hostname), blankToNull(sshKey), start != null));
        return Response.seeOther(java.net.URI.create("/batches/" + a.batchId())).build();
    }

    @POST
    @Path("templates/{template}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("template") String template, @FormParam("host") String host) {
        return JobAccepted.redirectToPage(templates.delete(caller.get(), host == null ? "local" : host, template));
    }

    @POST
    @Path("vms/{host}/{vm}/template")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response seal(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("operations") String operations,
            @FormParam("hostname") String hostname, @FormParam("sshKey") String sshKey) {
        List<String> ops = operations == null || operations.isBlank() ? List.of()
                : Arrays.stream(operations.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<String> keys = sshKey == null || sshKey.isBlank() ? List.of() : List.of(sshKey.strip());
        return JobAccepted.redirectToPage(templates.create(caller.get(), host, vm, ops, keys, blankToNull(hostname)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
