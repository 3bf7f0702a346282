package io.strata.hygiene;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.strata.kernel.CurrentCaller;

/** The VM page's lease form: extend, then back to the VM page (the change is immediate, not a job). */
@Path("/vms/{host}/{vm}/snapshots/{snap}/lease")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class LeasePages {

    @Inject
    Leases leases;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response extend(@PathParam("host") String host, @PathParam("vm") String vm, @PathParam("snap") String snap,
            @FormParam("days") String days, @FormParam("reason") String reason) {
        String d = days == null ? "" : days.strip();
        Integer n = d.matches("-?[0-9]{1,9}") ? Integer.valueOf(d) : null;
        leases.extend(caller.get(), host, vm, snap, n, reason);
        return Response.seeOther(URI.create("/vms/" + host + "/" + vm)).build();
    }
}
