package io.strata.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.strata.kernel.SecretFiles;
import io.strata.kernel.Caller;

/**
 * The key that seals the audit chain lives in a file outside the database, readable only by
 * Strata's user (0600). It is created on the first start; once events were sealed with a key, a
 * missing or different key file is reported (health DOWN, verify names it) and never silently
 * replaced: new events are then refused until the file is restored, or until an operator starts
 * a new key on purpose ({@code strata.audit.replace-lost-key=true}, recorded in the chain).
 */
@ApplicationScoped
public class AuditKeys {

    private static final Logger LOG = Logger.getLogger(AuditKeys.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** A key of the chain: its fingerprint and the first sequence it sealed. */
    record Epoch(String fingerprint, long firstSeq) {
    }

    @ConfigProperty(name = "strata.audit.key-file", defaultValue = "/var/lib/strata/audit.key")
    Path keyFile;
    @ConfigProperty(name = "strata.audit.replace-lost-key", defaultValue = "false")
    boolean replaceLostKey;

    @Inject
    EntityManager em;

    private volatile byte[] key;
    private volatile String fingerprint;
    /** Why the chain cannot be sealed or checked with the key file as it is (null: fine). */
    private volatile String problem;
    private volatile boolean loaded;

    void onStart(@Observes @Priority(20) StartupEvent ev) {
        ensureLoaded();
    }

    /** The key new events are sealed with; refuses (and so refuses the audited action) while the key is unusable. */
    byte[] signingKey() {
        ensureLoaded();
        byte[] k = key;
        if (k == null || problem != null) {
            throw new IllegalStateException("audit key unusable, nothing can be audited: " + problem);
        }
        return k;
    }

    /** The key when it is usable, else null. */
    byte[] keyOrNull() {
        ensureLoaded();
        return problem == null ? key : null;
    }

    String fingerprint() {
        ensureLoaded();
        return fingerprint;
    }

    /** The key of an epoch when it is the one this node holds, else null (a lost key: links only). */
    byte[] keyFor(Epoch epoch) {
        return epoch.fingerprint().equals(fingerprint) ? key : null;
    }

    Path file() {
        return keyFile;
    }

    /** The keys that sealed the chain, oldest first (a small append-only table). */
    List<Epoch> epochs() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT fingerprint, first_seq FROM audit_key ORDER BY first_seq").getResultList();
        return rows.stream().map(r -> new Epoch((String) r[0], ((Number) r[1]).longValue())).toList();
    }

    /**
     * Checks the key file as it is now against the key in use: a file removed or replaced while
     * the app runs is reported at once (the running node still holds the key in memory).
     */
    String currentProblem() {
        ensureLoaded();
        if (problem != null) {
            return problem;
        }
        if (!Files.exists(keyFile)) {
            return "KEY_MISSING: the audit key file " + keyFile + " is gone (this node still holds the key in memory; "
                    + "restore the file from its backup before the next start, or the chain can no longer be sealed)";
        }
        try {
            byte[] now = read(keyFile);
            if (!fingerprintOf(now).equals(fingerprint)) {
                return "KEY_CHANGED: the audit key file " + keyFile + " now holds another key (" + fingerprintOf(now)
                        + ") than the one sealing the chain (" + fingerprint + ")";
            }
        } catch (IOException | IllegalArgumentException e) {
            return "KEY_UNREADABLE: the audit key file " + keyFile + " cannot be read: " + e.getMessage();
        }
        return null;
    }

    /** Loads or creates the key and registers it in audit_key; idempotent, also used after a test moved the file. */
    synchronized void ensureLoaded() {
        if (!loaded) {
            reload();
        }
    }

    synchronized void reload() {
        loaded = true;
        problem = null;
        key = null;
        fingerprint = null;
        QuarkusTransaction.requiringNew().run(this::loadInTransaction);
        if (problem != null) {
            LOG.error("AUDIT CHAIN: " + problem);
        }
    }

    private void loadInTransaction() {
        AuditLog.lockChain(em);
        List<Epoch> epochs = epochs();
        Epoch latest = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        boolean exists = Files.exists(keyFile);
        try {
            if (!exists && latest != null && !replaceLostKey) {
                problem = "KEY_MISSING: the audit chain is sealed with key " + latest.fingerprint() + " since event "
                        + latest.firstSeq() + " but the key file " + keyFile + " is missing. Restore it from its backup; "
                        + "only if it is lost for good, start once with strata.audit.replace-lost-key=true";
                return;
            }
            boolean created = false;
            if (!exists) {
                create(keyFile);
                created = true;
            }
            byte[] k = read(keyFile);
            String fp = fingerprintOf(k);
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile));
            if (!mode.equals("rw-------")) {
                LOG.warn("audit key file " + keyFile + " has mode " + mode + "; it should be readable by Strata's user only (0600)");
            }
            if (latest != null && !latest.fingerprint().equals(fp)) {
                if (!replaceLostKey || epochs.stream().anyMatch(e -> e.fingerprint().equals(fp))) {
                    problem = "KEY_CHANGED: the key file " + keyFile + " holds key " + fp + " but the audit chain is sealed "
                            + "with key " + latest.fingerprint() + " since event " + latest.firstSeq()
                            + ". Put the right key file back; nothing was overwritten";
                    return;
                }
            }
            key = k;
            fingerprint = fp;
            if (latest == null || !latest.fingerprint().equals(fp)) {
                register(fp, latest, created);
            }
        } catch (IOException e) {
            problem = "KEY_UNREADABLE: the audit key file " + keyFile + " cannot be read or created: " + e.getMessage();
        }
    }

    /** Records the new key and the first event it seals, under the chain lock (no event can slip in between). */
    private void register(String fp, Epoch previous, boolean created) {
        long firstSeq = ((Number) em.createNativeQuery("SELECT coalesce(max(seq), 0) + 1 FROM audit_event")
                .getSingleResult()).longValue();
        String note = previous == null
                ? "chain keyed from event " + firstSeq + (firstSeq > 1 ? "; events before it keep their unkeyed SHA-256" : "")
                : "key " + previous.fingerprint() + " declared lost (strata.audit.replace-lost-key); events "
                        + previous.firstSeq() + ".." + (firstSeq - 1) + " can only be checked for their links";
        em.createNativeQuery("INSERT INTO audit_key(fingerprint, first_seq, note) VALUES (?1, ?2, ?3)")
                .setParameter(1, fp).setParameter(2, firstSeq).setParameter(3, note).executeUpdate();
        AuditEvent e = AuditLog.append(em, k(), Caller.SYSTEM, previous == null ? "audit.key.created" : "audit.key.replaced",
                keyFile.toString(), null, Outcome.SUCCESS, note + " (key " + fp + (created ? ", new file" : "") + ")");
        LOG.info("audit chain sealed with key " + fp + " from event " + e.seq + " (key file " + keyFile + ")");
    }

    private byte[] k() {
        return key;
    }

    static String fingerprintOf(byte[] key) {
        return AuditChain.hmacHex(key, "strata audit key fingerprint").substring(0, 16);
    }

    private static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] k = HexFormat.of().parseHex(text);
        if (k.length < 32) {
            throw new IOException("holds " + k.length + " bytes, not a 32-byte key");
        }
        return k;
    }

    /**
     * A new random key, owner-only, never over an existing file: written to a file of its own,
     * then hard-linked to its name (fails if the name exists, atomically), so another node starting
     * at the same moment reads either no file or a whole key.
     */
    private static void create(Path file) throws IOException {
        if (SecretFiles.createKey(file, 32)) {
            LOG.warn("created the audit key file " + file + " (mode 0600): back it up; without it the audit chain cannot be "
                    + "checked or continued");
        } else {
            LOG.info("audit key file " + file + " was just created by another process; using it");
        }
    }
}
