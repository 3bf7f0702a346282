package io.strata.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;

/** A user's timeline page, {@code /users/{name}/timeline}; the VM's is {@link VmTimelinePages}. */
@Path("/users/{name}/timeline")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class TimelinePages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance timeline(Timelines.Timeline timeline, String back, String backLabel, String self);
    }

    @Inject
    Timelines timelines;
    @Inject
    CurrentCaller caller;

    @GET
    public TemplateInstance user(@PathParam("name") String name, @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit) {
        return Templates.timeline(timelines.ofUser(caller.get(), name, before, limit), "/jobs?actor=" + name, "their jobs",
                "/users/" + name + "/timeline");
    }
}
