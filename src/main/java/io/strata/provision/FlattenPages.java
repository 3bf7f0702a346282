package io.strata.provision;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.strata.kernel.CurrentCaller;
import io.strata.job.JobAccepted;

@Path("/vms/{host}/{vm}/flatten")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class FlattenPages {

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @POST
    public Response flatten(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.redirectToPage(provisioning.flatten(caller.get(), host, vm));
    }
}
