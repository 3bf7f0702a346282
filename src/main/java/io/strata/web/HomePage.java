package io.strata.web;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

@Path("/")
public class HomePage {
    @GET
    public Response home() {
        return Response.seeOther(URI.create("/vms")).build();
    }
}
