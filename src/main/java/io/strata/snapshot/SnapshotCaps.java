package io.strata.snapshot;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.vm.Vm;

/**
 * Limits on what snapshots may hold, checked before a snapshot is queued (409, audited): how many
 * one VM may have ({@code strata.snapshots.max-per-vm}) and how many bytes the external snapshots'
 * overlays of one owner's VMs may take ({@code strata.snapshots.max-gib-per-owner}, from the
 * inventory). Internal snapshots live inside the disk image and count only by number. A new
 * snapshot starts empty, so two creates passing the byte check at once overshoot by nothing
 * until their guests write; the count cannot be overshot (one active job per VM).
 */
@ApplicationScoped
public class SnapshotCaps {

    static final long GIB = 1L << 30;

    @ConfigProperty(name = "strata.snapshots.max-per-vm", defaultValue = "32")
    int maxPerVm;
    @ConfigProperty(name = "strata.snapshots.max-gib-per-owner", defaultValue = "500")
    long maxGibPerOwner;

    @Inject
    Refusals refusals;
    @Inject
    EntityManager em;

    /** Refuses (409, audited) a new snapshot of {@code vm}, which has {@code existing} already, beyond a limit. */
    void check(Caller c, String action, String target, Vm vm, int existing) {
        if (existing >= maxPerVm) {
            throw refusals.refuse(c, action, target, 409, "VM " + vm.name + " has " + existing
                    + " snapshots, the most one VM may have (strata.snapshots.max-per-vm = " + maxPerVm
                    + "); delete or merge some first");
        }
        if (vm.owner == null) {
            return;
        }
        long bytes = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT coalesce(sum(s.overlay_bytes), 0) FROM snapshot s JOIN vm v ON v.id = s.vm_id WHERE v.owner = ?1")
                .setParameter(1, vm.owner).getSingleResult()).longValue());
        if (bytes >= maxGibPerOwner * GIB) {
            throw refusals.refuse(c, action, target, 409, String.format(Locale.ROOT,
                    "the snapshots of %s's VMs hold %.1f GiB, the most one owner's may hold"
                            + " (strata.snapshots.max-gib-per-owner = %d); delete or merge some first",
                    vm.owner, bytes / (double) GIB, maxGibPerOwner));
        }
    }
}
