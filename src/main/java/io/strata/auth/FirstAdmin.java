package io.strata.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.strata.kernel.Roles;

/**
 * Creates the first account, {@code admin}, when there is no admin yet. Its password is
 * STRATA_ADMIN_PASSWORD, or a generated one printed once in the log.
 */
@Singleton
public class FirstAdmin {

    private static final Logger LOG = Logger.getLogger(FirstAdmin.class);

    @ConfigProperty(name = "strata.admin-password")
    Optional<String> configuredPassword;

    @Transactional
    void onStart(@Observes StartupEvent ev) {
        if (AppUser.count("roles like ?1", "%" + Roles.ADMIN + "%") > 0 || AppUser.findByUsername("admin").isPresent()) {
            return;
        }
        String password = configuredPassword.filter(p -> !p.isBlank()).orElse(null);
        boolean generated = password == null;
        if (generated) {
            byte[] bytes = new byte[15];
            new SecureRandom().nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        AppUser.create("admin", password, Set.of(Roles.ADMIN));
        if (generated) {
            LOG.warnf("%n%n  First admin account created.  user: admin   password: %s%n"
                    + "  (shown once; set STRATA_ADMIN_PASSWORD before the first start to choose it)%n", password);
        } else {
            LOG.info("First admin account 'admin' created with the password from STRATA_ADMIN_PASSWORD");
        }
    }
}
