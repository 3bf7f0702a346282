package io.strata.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/**
 * Turns the user name in a valid (encrypted, unexpired) form-login cookie back into an identity,
 * with the account's current roles; an account that no longer exists is logged out.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            AppUser u = QuarkusTransaction.requiringNew()
                    .call(() -> AppUser.findByUsername(request.getPrincipal()).orElse(null));
            if (u == null) {
                throw new AuthenticationFailedException("the account of this session no longer exists");
            }
            return PasswordIdentityProvider.identityOf(u);
        });
    }
}
