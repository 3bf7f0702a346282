package io.strata.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.Set;

import com.sun.security.auth.module.UnixSystem;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.strata.kernel.SecretFiles;

/**
 * The key of the login cookies ({@code quarkus.http.auth.session.encryption-key}, which
 * {@link SessionEpochs} uses too) when {@code STRATA_SESSION_KEY} is not set: a random key kept
 * in a file of its own ({@code STRATA_SESSION_KEY_FILE}, default /var/lib/strata/session.key,
 * created 0600 on first use and never replaced), like the audit key. Without it Quarkus made a
 * key per start and printed it in the log at WARN, where anyone who reads the log could forge a
 * login cookie; and every restart logged everybody out. A config source (not a bean) because
 * Quarkus reads the key before any bean exists. When the file can be neither read nor made, the
 * key is a random one of this process (sessions then end at a restart), and it is never logged.
 */
public class SessionKeyFile implements ConfigSource {

    private static final Logger LOG = Logger.getLogger(SessionKeyFile.class);

    static final String PROPERTY = "quarkus.http.auth.session.encryption-key";
    static final String DEFAULT_FILE = "/var/lib/strata/session.key";

    private volatile String key;
    private volatile boolean looked;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, sessionKey());
    }

    @Override
    public String getValue(String name) {
        return PROPERTY.equals(name) ? sessionKey() : null;
    }

    private String sessionKey() {
        String set = System.getenv("STRATA_SESSION_KEY");
        if (set != null && !set.isBlank()) {
            return set;
        }
        if (!looked) {
            synchronized (this) {
                if (!looked) {
                    String k = readOrCreate(Path.of(System.getProperty("strata.session.key-file",
                            System.getenv().getOrDefault("STRATA_SESSION_KEY_FILE", DEFAULT_FILE))));
                    if (k == null) {
                        // No file to keep it in: a key for this process (sessions end with it), never logged.
                        byte[] b = new byte[32];
                        new java.security.SecureRandom().nextBytes(b);
                        k = java.util.HexFormat.of().formatHex(b);
                    }
                    key = k;
                    looked = true;
                }
            }
        }
        return key;
    }

    /** The file's key, made first when there is no file; null when it can be neither read nor made. */
    static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                SecretFiles.createKey(file, 32);
            }
            if (!ownedAndPrivate(file)) {
                return null;
            }
            String k = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return k.length() >= 32 ? k : null;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Only a key file that is what Strata made is trusted: a regular file (not a link someone
     * pointed at a world-readable file), of this process's user, readable by nobody else.
     */
    static boolean ownedAndPrivate(Path file) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean ok = a.isRegularFile() && uid instanceof Integer u && u == new UnixSystem().getUid()
                && a.permissions().stream().noneMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
        if (!ok) {
            LOG.errorf("session key file %s is not a regular file of this user readable by it alone; not used", file);
        }
        return ok;
    }

    @Override
    public String getName() {
        return "strata-session-key-file";
    }

    /** Below application.properties (250) and the environment (300): an explicit setting wins. */
    @Override
    public int getOrdinal() {
        return 240;
    }
}
