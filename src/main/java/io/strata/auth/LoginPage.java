package io.strata.auth;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.CurrentCaller;

@Path("/")
public class LoginPage {

    @Inject
    AccountChanges accounts;
    @Inject
    CurrentCaller caller;

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

    /**
     * Form login keeps the identity in an encrypted cookie: logging out drops it and raises the
     * account's session epoch, so a copy of the cookie (stolen, or on another device) dies too.
     * A POST from Strata's own form (CSRF token): a link from another site cannot log anyone out.
     */
    @POST
    @Path("logout")
    @Consumes({ MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA })
    public Response logout() {
        accounts.logOut(caller.get());
        NewCookie gone = new NewCookie.Builder("strata-session").path("/").maxAge(0).value("").build();
        NewCookie epoch = new NewCookie.Builder(SessionEpochs.COOKIE).path("/").maxAge(0).value("").build();
        return Response.seeOther(URI.create("/login")).cookie(gone, epoch).build();
    }
}
