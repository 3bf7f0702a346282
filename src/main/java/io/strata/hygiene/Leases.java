package io.strata.hygiene;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;
import io.strata.vm.SnapshotRecord;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;

/**
 * Snapshot leases. A snapshot's lease ends at its creation + the warn age; its VM's owner (or an
 * operator, an admin) extends it with a reason, to at most the policy's maximum from now. An
 * expired lease is a warning, never a deletion. Other features (the report's one-click fix) call
 * {@link #extend} too.
 */
@ApplicationScoped
public class Leases {

    public static final String ACTION = "snapshot.lease";

    /** A lease after an extension. */
    public record Lease(String host, String vm, String snapshot, Instant leaseUntil, Instant previousUntil, int days,
                        String by, String reason) {
    }

    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;
    @Inject
    AuditLog audit;
    @Inject
    PolicyService policy;

    /** The API's form: {@code {days, reason}}; days must be a whole number (400 otherwise). */
    public Lease extend(Caller c, String host, String vmName, String snapshot, com.fasterxml.jackson.databind.JsonNode body) {
        com.fasterxml.jackson.databind.JsonNode d = body == null ? null : body.get("days");
        com.fasterxml.jackson.databind.JsonNode r = body == null ? null : body.get("reason");
        if (d == null || !d.isIntegralNumber() || !d.canConvertToInt()) {
            access.forChange(c, host, vmName, ACTION);
            throw refusals.refuse(c, ACTION, host + "/" + vmName + "/" + snapshot, 400,
                    "days must be a whole number of days, not " + (d == null ? "missing" : InputRules.printable(d.toString())));
        }
        if (r != null && !r.isNull() && !r.isTextual()) {
            access.forChange(c, host, vmName, ACTION);
            throw refusals.refuse(c, ACTION, host + "/" + vmName + "/" + snapshot, 400, "reason must be text");
        }
        return extend(c, host, vmName, snapshot, d.intValue(), r == null || r.isNull() ? null : r.textValue());
    }

    /** Extends the lease to now + {@code days} (1..the policy maximum; beyond it 409), with a reason (required). */
    public Lease extend(Caller c, String host, String vmName, String snapshot, Integer days, String reason) {
        String target = host + "/" + vmName + "/" + snapshot;
        Vm vm = access.forChange(c, host, vmName, ACTION);
        refusals.requireName(c, ACTION, target, "snapshot name", snapshot);
        SnapshotRecord snap = QuarkusTransaction.requiringNew().call(() ->
                SnapshotRecord.<SnapshotRecord>find("vmId = ?1 and name = ?2", vm.id, snapshot).firstResult());
        if (snap == null) {
            throw refusals.refuse(c, ACTION, target, 404, "VM " + vmName + " has no snapshot named " + snapshot);
        }
        if (!InputRules.present(reason)) {
            throw refusals.refuse(c, ACTION, target, 400, "a reason is required to extend a lease");
        }
        String problem = InputRules.reasonProblem(reason);
        if (problem != null) {
            throw refusals.refuse(c, ACTION, target, 400, problem);
        }
        PolicyValues p = policy.effective(host, vmName);
        if (days == null || days < 1) {
            throw refusals.refuse(c, ACTION, target, 400, "days must be a whole number from 1 to " + p.leaseMaxDays()
                    + ", not " + days);
        }
        if (days > p.leaseMaxDays()) {
            throw refusals.refuse(c, ACTION, target, 409, days + " d is beyond the policy's lease maximum of "
                    + p.leaseMaxDays() + " d for " + vmName);
        }
        Instant until = Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        return QuarkusTransaction.requiringNew().call(() -> {
            SnapshotHygieneRecord r = SnapshotHygieneRecord.find(host, vmName, snapshot);
            if (r == null) {
                r = new SnapshotHygieneRecord();
                r.host = host;
                r.vm = vmName;
                r.snapshot = snapshot;
            }
            Instant previous = HealthAssessment.leaseUntil(p, snap.createdAt, r.leaseUntil);
            r.leaseUntil = until;
            r.leaseBy = c.name();
            r.leaseReason = reason.strip();
            r.leaseAt = Instant.now();
            r.persist();
            audit.record(c, ACTION, target, null, Outcome.SUCCESS, "lease extended by " + days + " d to " + until
                    + " (was " + previous.truncatedTo(ChronoUnit.SECONDS) + "; maximum " + p.leaseMaxDays() + " d): "
                    + r.leaseReason);
            return new Lease(host, vmName, snapshot, until, previous, days, c.name(), r.leaseReason);
        });
    }
}
