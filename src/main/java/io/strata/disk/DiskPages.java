package io.strata.disk;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

/** The disk forms of the VM page. */
@Path("/vms/{host}/{vm}/disks")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class DiskPages {

    @Inject
    DiskService disks;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/{target}/convert")
    @jakarta.ws.rs.Consumes(jakarta.ws.rs.core.MediaType.APPLICATION_FORM_URLENCODED)
    public Response convert(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("target") String target,
            @jakarta.ws.rs.FormParam("format") String format, @jakarta.ws.rs.FormParam("confirmLoss") String confirmLoss) {
        return JobAccepted.redirectToPage(disks.convert(caller.get(), host, vm, target, format, confirmLoss != null));
    }

    @POST
    @Path("/{target}/check")
    public Response check(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("target") String target) {
        return JobAccepted.redirectToPage(disks.check(caller.get(), host, vm, target));
    }
}
