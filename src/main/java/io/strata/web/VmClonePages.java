package io.strata.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.strata.job.JobAccepted;
import io.strata.kernel.CurrentCaller;
import io.strata.provision.VmCloneService;
import io.strata.provision.VmDeleteService;

/** The VM page's Clone and Delete forms (with the CSRF token); each queues a job and shows its page. */
@Path("/vms/{host}/{vm}")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmClonePages {

    @Inject
    VmCloneService clones;
    @Inject
    VmDeleteService deletes;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/clone")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response clone(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("name") String name,
            @FormParam("hostname") String hostname, @FormParam("sshKey") String sshKey, @FormParam("reset") String reset,
            @FormParam("start") String start) {
        return JobAccepted.redirectToPage(clones.clone(caller.get(), host, vm,
                new VmCloneService.Request(name, checked(start), hostname, sshKey, checked(reset))));
    }

    @POST
    @Path("/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("disks") String disks,
            @FormParam("force") String force) {
        return JobAccepted.redirectToPage(deletes.delete(caller.get(), host, vm, bool(disks), bool(force)));
    }

    /** A checkbox: present (any value but "false") means ticked. */
    private static Boolean checked(String v) {
        return v != null && !"false".equals(v);
    }

    private static String bool(String v) {
        return Boolean.toString(checked(v));
    }
}
