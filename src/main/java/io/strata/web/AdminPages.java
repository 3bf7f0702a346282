package io.strata.web;

import java.net.URI;
import java.util.HashSet;
import java.util.List;

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

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.host.Host;
import io.strata.host.HostRegistry;
import io.strata.auth.AppUser;
import io.strata.auth.Users;
import io.strata.kernel.Roles;
import io.strata.kernel.CurrentCaller;

@Path("/admin")
@RolesAllowed("admin")
public class AdminPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(List<AppUser> users, List<Host> hosts, List<String> roles);
    }

    @Inject
    Users users;
    @Inject
    HostRegistry hosts;
    @Inject
    CurrentCaller caller;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance index() {
        return Templates.index(users.all(), hosts.all(), Roles.ALL);
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createUser(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("roles") List<String> roles) {
        users.create(caller.get(), username, password, new HashSet<>(roles == null ? List.of() : roles));
        return Response.seeOther(URI.create("/admin")).build();
    }

    @POST
    @Path("/hosts")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addHost(@FormParam("name") String name, @FormParam("uri") String uri) {
        hosts.add(caller.get(), name, uri);
        return Response.seeOther(URI.create("/admin")).build();
    }
}
