package io.strata.template;

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
import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

/** The template catalogue and its forms: provision (thin, clone, bulk), delete. Sealing from a VM page: {@link TemplateSealPages}. */
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
    CurrentCaller caller;

    @GET
    @Path("templates")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        var c = caller.get();
        return Templates.list(templates.list(c), c.actsOnAllVms(), c.mayChangeVms());
    }

    @POST
    @Path("templates/{template}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("template") String template, @FormParam("host") String host) {
        return JobAccepted.redirectToPage(templates.delete(caller.get(), host == null ? "local" : host, template));
    }

}
