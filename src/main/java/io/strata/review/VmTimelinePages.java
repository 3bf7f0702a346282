package io.strata.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;

/** A VM's timeline page (linked from the VM page); a class of its own so its path outranks {@code /vms}. */
@Path("/vms/{host}/{vm}/timeline")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmTimelinePages {

    @Inject
    Timelines timelines;
    @Inject
    CurrentCaller caller;

    @GET
    public TemplateInstance vm(@PathParam("host") String host, @PathParam("vm") String vm,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit) {
        return TimelinePages.Templates.timeline(timelines.ofVm(caller.get(), host, vm, before, limit),
                "/vms/" + host + "/" + vm, "VM page", "/vms/" + host + "/" + vm + "/timeline");
    }
}
