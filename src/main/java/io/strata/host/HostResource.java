package io.strata.host;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;

@Path("/api/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "hosts")
public class HostResource {

    public record HostView(String name, String uri) {
    }

    public record NewHost(String name, String uri) {
    }

    @Inject
    HostRegistry hosts;
    @Inject
    CurrentCaller caller;

    @GET
    @RolesAllowed({ "user", "operator", "auditor", "admin" })
    @Operation(operationId = "listHosts",
            summary = "The libvirt hosts Strata manages")
    public List<HostView> list() {
        // URIs can name users and key paths: only operators and admins see them.
        boolean showUri = caller.get().actsOnAllVms();
        return hosts.all().stream().map(h -> new HostView(h.name, showUri ? h.uri : null)).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(operationId = "addHost",
            summary = "Add a host (or change its URI)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"name\": \"rack-2\", \"uri\": \"qemu+ssh://root@rack-2.example.org/system\"}")))
    public HostView add(NewHost body) {
        Host h = hosts.add(caller.get(), body == null ? null : body.name(), body == null ? null : body.uri());
        return new HostView(h.name, h.uri);
    }
}
