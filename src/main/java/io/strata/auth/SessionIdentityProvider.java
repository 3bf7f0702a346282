package io.strata.auth;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import io.strata.kernel.SharedRead;

/**
 * Turns the user name in a valid (encrypted, unexpired) form-login cookie back into an identity,
 * with the account's current roles; an account that no longer exists or is disabled is logged
 * out, and so is a session whose epoch cookie is not the account's current epoch.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    @Inject
    SessionEpochs epochs;

    /**
     * The session's account, read for every request (a logout, disable or role change on any node
     * takes effect at once) but shared by the requests that arrive while one read runs. Detached:
     * for reading only.
     */
    private final SharedRead<String, Optional<AppUser>> accounts = new SharedRead<>(name -> QuarkusTransaction
            .requiringNew().call(() -> {
                Optional<AppUser> u = AppUser.findByUsername(name);
                u.ifPresent(a -> AppUser.getEntityManager().detach(a));
                return u;
            }));

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            AppUser u = accounts.get(request.getPrincipal()).orElse(null);
            if (u == null) {
                throw new AuthenticationFailedException("the account of this session no longer exists");
            }
            if (u.disabled) {
                throw new AuthenticationFailedException("account " + u.username + " is disabled");
            }
            RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
            Cookie epoch = http == null ? null : http.request().getCookie(SessionEpochs.COOKIE);
            if (!epochs.current(u.username, u.sessionEpoch, epoch == null ? null : epoch.getValue())) {
                throw new AuthenticationFailedException("this session of " + u.username + " was ended (logout, password or role change)");
            }
            return PasswordIdentityProvider.identityOf(u);
        });
    }
}
