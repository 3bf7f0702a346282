package io.strata.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.strata.kernel.Digests;

/**
 * Checks a user name and password (form login and HTTP Basic) against {@link AppUser}'s bcrypt
 * hash, and remembers a successful check for a minute. Basic sends the password with every API
 * request; without the memory every request (every poll of a job) paid a full bcrypt round,
 * about 100 ms here. Only a SHA-256 of a password that was right is kept, in memory.
 */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final Duration REMEMBER = Duration.ofSeconds(60);
    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(SecurityIdentity identity, Instant until) {
    }

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String user = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        String key = user + "\u0000" + Digests.sha256Hex(password);
        Verified hit = verified.get(key);
        if (hit != null && hit.until().isAfter(Instant.now())) {
            return Uni.createFrom().item(hit.identity());
        }
        return context.runBlocking(() -> {
            AppUser u = QuarkusTransaction.requiringNew().call(() -> AppUser.findByUsername(user).orElse(null));
            if (u == null || !BcryptUtil.matches(password, u.passwordHash)) {
                throw new AuthenticationFailedException("wrong user name or password");
            }
            SecurityIdentity identity = identityOf(u);
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(key, new Verified(identity, Instant.now().plus(REMEMBER)));
            return identity;
        });
    }

    static SecurityIdentity identityOf(AppUser u) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(u.username)).addRoles(u.roleSet()).build();
    }
}
