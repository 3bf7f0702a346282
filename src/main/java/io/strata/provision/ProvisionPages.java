package io.strata.provision;

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

/** The catalogue's provision form (thin, clone, bulk): queues a batch and shows its page. */
@Path("/templates/{template}/provision")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class ProvisionPages {

    @Inject
    ProvisionService provisioning;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response provision(@PathParam("template") String template, @FormParam("host") String host,
            @FormParam("name") String name, @FormParam("count") Integer count, @FormParam("method") String method,
            @FormParam("hostname") String hostname, @FormParam("sshKey") String sshKey, @FormParam("start") String start) {
        boolean many = count != null && count > 1;
        ProvisionService.Accepted a = provisioning.provision(caller.get(), template, new ProvisionService.Request(host,
                many ? null : name, many ? name : null, count, method, blankToNull(hostname), blankToNull(sshKey), start != null));
        return Response.seeOther(URI.create("/batches/" + a.batchId())).build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
