package io.strata.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.hygiene.Dashboard;
import io.strata.hygiene.DashboardService;
import io.strata.kernel.CurrentCaller;

/** The home page: the snapshot-health dashboard of the VMs the caller may see (charts are server-rendered SVG). */
@Path("/")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class HomePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(Dashboard d);
    }

    @Inject
    DashboardService dashboards;
    @Inject
    CurrentCaller caller;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance home() {
        return Templates.dashboard(dashboards.of(caller.get()));
    }
}
