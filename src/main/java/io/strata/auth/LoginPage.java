package io.strata.auth;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

@Path("/")
public class LoginPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(boolean failed);
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance login(@QueryParam("error") String error) {
        return Templates.login(error != null);
    }

    /** Form login keeps the identity in an encrypted cookie: logging out is dropping it. */
    @GET
    @Path("logout")
    public Response logout() {
        NewCookie gone = new NewCookie.Builder("strata-session").path("/").maxAge(0).value("").build();
        return Response.seeOther(URI.create("/login")).cookie(gone).build();
    }
}
