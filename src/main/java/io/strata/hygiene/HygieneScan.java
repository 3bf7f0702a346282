package io.strata.hygiene;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.strata.audit.AuditEvent;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;

/**
 * Records each crossing once: ok → warn, (ok or warn) → critical, lease expired. Runs every
 * {@code strata.hygiene.scan-interval} (15 min) on one node at a time: the whole scan is one
 * transaction holding a transaction-level advisory lock, so a second node skips, and the last
 * recorded level per snapshot ({@code snapshot_hygiene.scan_health}) changes in the same
 * transaction as the audit event and the warning row. A level that goes down is noted silently,
 * so a later rise is a new crossing.
 */
@ApplicationScoped
public class HygieneScan {

    public static final String ACTION = "snapshot.warning";
    private static final Logger LOG = Logger.getLogger(HygieneScan.class);
    private static final long SCAN_LOCK = 0x5354524148594749L;

    /** What one scan did: whether it ran here, how many snapshots it looked at, the crossings it recorded. */
    public record Result(boolean ran, int snapshots, int recorded) {
    }

    @Inject
    SnapshotHealthService health;
    @Inject
    SnapshotProvenance provenance;
    @Inject
    AuditLog audit;
    @Inject
    EntityManager em;

    @Scheduled(every = "${strata.hygiene.scan-interval:15m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        try {
            Result r = scan();
            if (r.recorded() > 0) {
                LOG.infof("hygiene scan: %d snapshots, %d warnings recorded", r.snapshots(), r.recorded());
            }
        } catch (RuntimeException e) {
            LOG.warn("hygiene scan: " + e.getMessage());
        }
    }

    /** One scan now (also what tests call); does nothing when another node is scanning. */
    public Result scan() {
        return QuarkusTransaction.requiringNew().timeout(300).call(() -> {
            boolean mine = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                    .setParameter(1, SCAN_LOCK).getSingleResult();
            if (!mine) {
                return new Result(false, 0, 0);
            }
            provenance.prune();
            em.flush();
            Instant now = Instant.now();
            List<SnapshotHealth> all = health.assessAllIn(now);
            Map<SnapshotHygieneRecord.Key, SnapshotHygieneRecord> rows = new HashMap<>();
            for (SnapshotHygieneRecord h : SnapshotHygieneRecord.<SnapshotHygieneRecord>listAll()) {
                rows.put(new SnapshotHygieneRecord.Key(h.host, h.vm, h.snapshot), h);
            }
            int recorded = 0;
            for (SnapshotHealth s : all) {
                SnapshotHygieneRecord row = rows.get(new SnapshotHygieneRecord.Key(s.host(), s.vm(), s.snapshot()));
                if (row == null) {
                    row = new SnapshotHygieneRecord(); // made outside Strata: no creator
                    row.host = s.host();
                    row.vm = s.vm();
                    row.snapshot = s.snapshot();
                    row.persist();
                }
                Health last = Health.parse(row.scanHealth);
                if (last == null) {
                    last = Health.OK;
                }
                if (s.health().compareTo(last) > 0) {
                    record(s, s.health().label(), now);
                    recorded++;
                }
                row.scanHealth = s.health().label();
                if (s.leaseExpired() && !row.scanLeaseExpired) {
                    record(s, "lease-expired", now);
                    recorded++;
                }
                row.scanLeaseExpired = s.leaseExpired();
            }
            return new Result(true, all.size(), recorded);
        });
    }

    private void record(SnapshotHealth s, String crossing, Instant now) {
        String target = s.host() + "/" + s.vm() + "/" + s.snapshot();
        String details = crossing + " (" + s.health().label() + "): " + String.join("; ", s.reasons())
                + " | owner " + (s.owner() == null ? "(none)" : s.owner()) + ", creator " + s.creator()
                + (s.reason() == null ? "" : ", reason: " + s.reason());
        AuditEvent e = audit.recordSealed(Caller.SYSTEM, ACTION, target, null, Outcome.SUCCESS, details);
        SnapshotWarningRecord w = new SnapshotWarningRecord();
        w.host = s.host();
        w.vm = s.vm();
        w.snapshot = s.snapshot();
        w.crossing = crossing;
        w.health = s.health().label();
        w.reasons = String.join("\n", s.reasons());
        w.owner = s.owner();
        w.creator = s.creator();
        w.reason = s.reason();
        w.at = now;
        w.auditSeq = e.seq;
        w.persist();
    }
}
