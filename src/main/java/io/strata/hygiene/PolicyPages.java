package io.strata.hygiene;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Form;
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
    public Response save(Form form) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String field : PolicyValues.DEFAULTS.asMap().keySet()) {
            if (field.equals("runningOnOldSnapshot")) {
                body.put(field, form.asMap().containsKey(field));
                continue;
            }
            List<String> v = form.asMap().get(field);
            if (v == null || v.isEmpty() || v.get(0).isBlank()) {
                continue;
            }
            // A bad number is passed on as text so the service refuses it (400) like the API's.
            String t = v.get(0).strip();
            body.set(field, t.matches("-?[0-9]{1,9}") ? IntNode.valueOf(Integer.parseInt(t)) : TextNode.valueOf(t));
        }
        policy.updateGlobal(caller.get(), body);
        return Response.seeOther(URI.create("/admin/policy")).build();
    }
}
