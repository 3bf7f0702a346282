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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.strata.job.JobAccepted;
import io.strata.kernel.CurrentCaller;
import io.strata.vm.VmPowerService;

/** The VM page's lifecycle buttons (forms with the CSRF token); each queues a job and shows its page. */
@Path("/vms/{host}/{vm}")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmPowerPages {

    @Inject
    VmPowerService power;
    @Inject
    CurrentCaller caller;

    @POST
    @Path("/shutdown")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response shutdown(@PathParam("host") String host, @PathParam("vm") String vm,
            @FormParam("timeoutSeconds") String timeoutSeconds, @FormParam("force") String force,
            @FormParam("mode") String mode) {
        var options = new VmPowerService.ShutdownOptions(number(timeoutSeconds),
                force == null ? null : BooleanNode.valueOf(!force.isEmpty() && !"false".equals(force)), text(mode));
        return JobAccepted.redirectToPage(power.shutdown(caller.get(), host, vm, options));
    }

    @POST
    @Path("/destroy")
    public Response destroy(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.redirectToPage(power.destroy(caller.get(), host, vm));
    }

    @POST
    @Path("/reboot")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reboot(@PathParam("host") String host, @PathParam("vm") String vm, @FormParam("mode") String mode) {
        return JobAccepted.redirectToPage(power.reboot(caller.get(), host, vm, text(mode)));
    }

    @POST
    @Path("/suspend")
    public Response suspend(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.redirectToPage(power.suspend(caller.get(), host, vm));
    }

    @POST
    @Path("/resume")
    public Response resume(@PathParam("host") String host, @PathParam("vm") String vm) {
        return JobAccepted.redirectToPage(power.resume(caller.get(), host, vm));
    }

    /** A form's number as JSON would carry it; anything else stays text so the service refuses it (400). */
    private static JsonNode number(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String t = v.strip();
        if (t.matches("-?[0-9]{1,18}")) {
            return LongNode.valueOf(Long.parseLong(t));
        }
        return TextNode.valueOf(v);
    }

    private static JsonNode text(String v) {
        return v == null || v.isBlank() ? null : TextNode.valueOf(v);
    }
}
