package io.strata.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.security.Authenticated;
import io.strata.kernel.CurrentCaller;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "users")
@RolesAllowed("admin")
public class UserResource {

    public record UserView(String username, Set<String> roles, Integer maxVms, Integer maxDiskGib, boolean disabled) {
        static UserView of(AppUser u) {
            return new UserView(u.username, u.roleSet(), u.maxVms, u.maxDiskGib, u.disabled);
        }
    }

    public record PasswordChange(String current, String password) {
    }

    public record Disabled(Boolean disabled) {
    }

    public record RoleChange(Set<String> roles) {
    }

    /** A quota: null fields mean no limit. */
    public record Quota(Integer maxVms, Integer maxDiskGib) {
    }

    public record NewUser(String username, String password, Set<String> roles) {
    }

    @Inject
    Users users;
    @Inject
    AccountChanges accounts;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "listUsers",
            summary = "All accounts (admin)")
    public List<UserView> list() {
        return users.all().stream().map(UserView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createUser",
            summary = "Create an account (admin): {username, password, roles[]}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"username\": \"alice\", \"password\": \"a long passphrase\", \"roles\": [\"user\"]}")))
    @APIResponseSchema(value = UserView.class, responseCode = "201", responseDescription = "Created")
    @APIResponse(responseCode = "409", description = "Refused: a user of that name exists")
    public Response create(NewUser body) {
        NewUser b = body == null ? new NewUser(null, null, Set.of()) : body;
        AppUser u = users.create(caller.get(), b.username(), b.password(), b.roles() == null ? Set.of() : new HashSet<>(b.roles()));
        return Response.status(201).entity(UserView.of(u)).build();
    }

    @jakarta.ws.rs.PUT
    @jakarta.ws.rs.Path("/{username}/quota")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setUserQuota",
            summary = "Set a user's quota (admin): {maxVms, maxDiskGib}; null means no limit")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"maxVms\": 10, \"maxDiskGib\": 200}")))
    public UserView quota(@jakarta.ws.rs.PathParam("username") String username, Quota body) {
        Quota q = body == null ? new Quota(null, null) : body;
        return UserView.of(users.setQuota(caller.get(), username, q.maxVms(), q.maxDiskGib()));
    }

    @jakarta.ws.rs.PUT
    @jakarta.ws.rs.Path("/{username}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authenticated
    @Operation(operationId = "changeUserPassword",
            summary = "Change a password: your own with {current, password}, anyone's as admin; ends the account's sessions")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"current\": \"the old passphrase\", \"password\": \"a new long passphrase\"}")))
    @APIResponse(responseCode = "204", description = "Changed; the account's sessions ended")
    public Response password(@jakarta.ws.rs.PathParam("username") String username, PasswordChange body) {
        PasswordChange b = body == null ? new PasswordChange(null, null) : body;
        accounts.changePassword(caller.get(), username, b.current(), b.password());
        return Response.noContent().build();
    }

    @jakarta.ws.rs.PUT
    @jakarta.ws.rs.Path("/{username}/disabled")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setUserDisabled",
            summary = "Disable or enable an account (admin): {disabled}; disabling ends its sessions")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"disabled\": true}")))
    @APIResponse(responseCode = "409", description = "Refused: an admin cannot disable their own account")
    @APIResponseSchema(value = UserView.class, responseDescription = "The account as it is now")
    public UserView disabled(@jakarta.ws.rs.PathParam("username") String username, Disabled body) {
        if (body == null || body.disabled() == null) {
            throw new jakarta.ws.rs.BadRequestException("give {\"disabled\": true|false}");
        }
        accounts.setDisabled(caller.get(), username, body.disabled());
        return UserView.of(users.find(username));
    }

    @jakarta.ws.rs.PUT
    @jakarta.ws.rs.Path("/{username}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setUserRoles",
            summary = "Set an account's roles (admin): {roles[]}; ends its sessions")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"roles\": [\"user\", \"operator\"]}")))
    @APIResponse(responseCode = "409", description = "Refused: an admin cannot take the admin role from their own account")
    @APIResponseSchema(value = UserView.class, responseDescription = "The account as it is now")
    public UserView roles(@jakarta.ws.rs.PathParam("username") String username, RoleChange body) {
        accounts.setRoles(caller.get(), username, body == null || body.roles() == null ? Set.of() : new HashSet<>(body.roles()));
        return UserView.of(users.find(username));
    }
}
