package io.strata.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The account's session epoch as a cookie beside Quarkus' session cookie: {@code <epoch>.<mac>}
 * with an HMAC over user and epoch. Quarkus' encrypted cookie says only who and until when, so
 * a stolen one stays good until it expires; with this one a session ends as soon as the account's
 * epoch moves on. The key is the session encryption key when one is set (sessions then survive
 * restarts and work on every node, like Quarkus' own cookie), else a random one per start.
 */
@ApplicationScoped
public class SessionEpochs {

    public static final String COOKIE = "strata-session-epoch";
    /** The identity attribute (an Integer) with the account's epoch when the identity was made. */
    public static final String ATTRIBUTE = "strata.session-epoch";

    private final byte[] key;

    SessionEpochs(@ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        if (sessionKey.isPresent() && !sessionKey.get().isBlank()) {
            key = ("strata-session-epoch\u0000" + sessionKey.get()).getBytes(StandardCharsets.UTF_8);
        } else {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        }
    }

    /** The cookie value for a session of {@code user} at {@code epoch}. */
    public String value(String user, int epoch) {
        return epoch + "." + mac(user, epoch);
    }

    /** Whether the cookie value was made by this app for this user at this (current) epoch. */
    public boolean current(String user, int epoch, String value) {
        if (value == null) {
            return false;
        }
        byte[] expected = value(user, epoch).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The current epochs of the accounts named that may still log in (a disabled or removed account
     * has none): what open live pages compare theirs with (job.JobStreams).
     */
    @Transactional
    public Map<String, Integer> currentEpochs(Collection<String> users) {
        Map<String, Integer> out = new HashMap<>();
        if (users.isEmpty()) {
            return out;
        }
        for (AppUser u : AppUser.<AppUser>list("username in ?1 and disabled = false", users)) {
            out.put(u.username, u.sessionEpoch);
        }
        return out;
    }

    private String mac(String user, int epoch) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((user + "\u0000" + epoch).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
