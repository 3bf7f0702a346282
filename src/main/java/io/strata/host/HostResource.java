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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.auth.Caller;
import io.strata.auth.CurrentCaller;
import io.strata.web.Refusals;

@Path("/api/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "hosts")
public class HostResource {

    public record HostView(String name, String uri) {
    }

    /** Transports Strata accepts; no query string, since ?command=, ?socket=, ?keyfile= change what runs. */
    static final java.util.regex.Pattern ALLOWED_URI = java.util.regex.Pattern.compile(
            "(qemu|qemu\\+ssh|qemu\\+tls)://([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]*(:[0-9]{1,5})?/(system|session)|test:///default");

    public record NewHost(String name, String uri) {
    }

    @Inject
    HostRegistry hosts;
    @Inject
    CurrentCaller caller;
    @Inject
    Refusals refusals;

    @GET
    @RolesAllowed({ "user", "operator", "auditor", "admin" })
    @Operation(summary = "The libvirt hosts Strata manages")
    public List<HostView> list() {
        // URIs can name users and key paths: only operators and admins see them.
        boolean showUri = caller.get().actsOnAllVms();
        return hosts.all().stream().map(h -> new HostView(h.name, showUri ? h.uri : null)).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(summary = "Add a host (or change its URI)")
    public HostView add(NewHost body) {
        String name = body == null ? null : body.name();
        refusals.requireName(caller.get(), "host.add", name, "host name", name);
        String uri = body.uri();
        if (uri == null || !ALLOWED_URI.matcher(uri).matches()) {
            throw refusals.refuse(caller.get(), "host.add", name, 400, "uri must be qemu:///system, "
                    + "qemu+ssh://[user@]host[:port]/system, qemu+tls://host/system or test:///default, without a "
                    + "query string (it could name a program to run)");
        }
        Host h = hosts.add(caller.get(), name, uri);
        return new HostView(h.name, h.uri);
    }
}
