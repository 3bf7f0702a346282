package io.strata.hygiene;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;

/** The global snapshot policy page under /admin (admins), with the VMs that override it. */
@Path("/admin/policy")
@RolesAllowed("admin")
public class PolicyPages {

    /** A VM's overrides as the page lists them. */
    public record Override(String scope, String values) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance policy(PolicyValues policy, List<Override> overrides, int maxDays);
    }

    @Inject
    PolicyService policy;
    @Inject
    CurrentCaller caller;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        List<Override> overrides = policy.allOverrides().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Override(e.getKey(), e.getValue().describe())).toList();
        return Templates.policy(policy.global(), overrides, PolicyInput.MAX_DAYS);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response save(@FormParam("ageWarnDays") String ageWarnDays, @FormParam("ageCriticalDays") String ageCriticalDays,
            @FormParam("countWarn") String countWarn, @FormParam("countCritical") String countCritical,
            @FormParam("depthCritical") String depthCritical, @FormParam("overlayWarnPercent") String overlayWarnPercent,
            @FormParam("runningOnOldSnapshot") String runningOnOldSnapshot, @FormParam("leaseMaxDays") String leaseMaxDays) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        number(body, "ageWarnDays", ageWarnDays);
        number(body, "ageCriticalDays", ageCriticalDays);
        number(body, "countWarn", countWarn);
        number(body, "countCritical", countCritical);
        number(body, "depthCritical", depthCritical);
        number(body, "overlayWarnPercent", overlayWarnPercent);
        number(body, "leaseMaxDays", leaseMaxDays);
        body.put("runningOnOldSnapshot", runningOnOldSnapshot != null);
        policy.updateGlobal(caller.get(), body);
        return Response.seeOther(URI.create("/admin/policy")).build();
    }

    /** A field left blank is left out; a bad number is passed on as text so the service refuses it (400) like the API's. */
    private static void number(ObjectNode body, String field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        String t = value.strip();
        body.set(field, t.matches("-?[0-9]{1,9}") ? IntNode.valueOf(Integer.parseInt(t)) : TextNode.valueOf(t));
    }
}
