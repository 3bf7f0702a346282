package io.strata.report;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import io.strata.job.JobAccepted;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.Roles;

/** The report pages: the list (run now, mail settings), one report with its sections and fix buttons. */
@Path("/reports")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class ReportPages {

    /** Items shown per section on the page; the exports carry all. */
    static final int PAGE_ITEMS = 500;

    /** One section as the page shows it. */
    public record Section(int number, String title, long count, List<ReportItem> items) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<ReportService.ReportView> reports, boolean operator, boolean mailConfigured,
                String email, boolean mailEnabled);

        static native TemplateInstance report(ReportService.ReportView view, List<Section> sections, boolean operator,
                boolean admin, boolean mayChange, boolean mailConfigured, int shown);
    }

    @Inject
    ReportService reports;
    @Inject
    ReportMail mail;
    @Inject
    CurrentCaller caller;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        Caller c = caller.get();
        Map<String, Object> m = reports.mailSettings(c);
        return Templates.list(reports.list(c), c.actsOnAllVms(), mail.configured(), m.get("email").toString(),
                Boolean.TRUE.equals(m.get("enabled")));
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance report(@PathParam("id") long id) {
        Caller c = caller.get();
        ReportService.ReportView v = reports.get(c, id);
        List<Section> sections = new ArrayList<>();
        for (int s = 1; s <= 7; s++) {
            sections.add(new Section(s, ReportItem.SECTION_TITLES[s], v.counts()[s], reports.items(c, id, s, PAGE_ITEMS)));
        }
        return Templates.report(v, sections, c.actsOnAllVms(), c.has(Roles.ADMIN), c.mayChangeVms(), mail.configured(),
                PAGE_ITEMS);
    }

    @POST
    @Path("/run")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response run() {
        return JobAccepted.redirectToPage(reports.run(caller.get()));
    }

    @POST
    @Path("/{id}/fix/snapshot-delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteSnapshot(@PathParam("id") long id, @FormParam("key") String key) {
        return JobAccepted.redirectToPage(reports.deleteSnapshot(caller.get(), id, key));
    }

    @POST
    @Path("/{id}/fix/lease")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response extendLease(@PathParam("id") long id, @FormParam("key") String key, @FormParam("days") Integer days,
            @FormParam("reason") String reason) {
        reports.extendLease(caller.get(), id, key, days, reason);
        return Response.seeOther(URI.create("/reports/" + id)).build();
    }

    @POST
    @Path("/{id}/fix/orphan-delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteOrphan(@PathParam("id") long id, @FormParam("path") String path) {
        return JobAccepted.redirectToPage(reports.deleteOrphan(caller.get(), id, path));
    }

    @POST
    @Path("/mail-settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response mailSettings(@FormParam("email") String email, @FormParam("enabled") String enabled) {
        reports.saveMailSettings(caller.get(), email, enabled != null);
        return Response.seeOther(URI.create("/reports")).build();
    }
}
