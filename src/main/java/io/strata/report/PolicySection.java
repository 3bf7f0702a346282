package io.strata.report;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.hygiene.Health;
import io.strata.hygiene.SnapshotHealth;
import io.strata.hygiene.SnapshotHealthService;
import io.strata.vm.InventorySync;

/**
 * Section 1: snapshots over the snapshot policy, as the hygiene feature's health assessment
 * judges them (never judged here): warn or critical, or an expired lease. Returns
 * host/vm/snapshot → overlay bytes of each flagged one, for section 6.
 */
@ApplicationScoped
public class PolicySection {

    @Inject
    SnapshotHealthService health;
    @Inject
    InventorySync inventory;

    Map<String, Long> write(HostInventory.Inventory inv, Instant now, Consumer<ReportItem> out) {
        // The assessment reads the inventory cache: refresh hosts this node has not synced lately
        // (after a restart; normally the periodic sync keeps it within a minute).
        inv.domains().stream().map(HostInventory.Domain::host).distinct().forEach(inventory::ensureFresh);
        Map<String, Long> flagged = new HashMap<>();
        for (SnapshotHealth s : health.assessAll(now)) {
            if (s.health() == Health.OK && !s.leaseExpired()) {
                continue;
            }
            long bytes = s.overlayBytes() == null ? 0 : Math.max(0, s.overlayBytes());
            flagged.put(s.host() + "/" + s.vm() + "/" + s.snapshot(), bytes);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("snapshot", s.snapshot());
            d.put("kind", s.kind());
            d.put("creator", s.creator());
            d.put("reason", s.reason());
            d.put("created", s.created().toString());
            d.put("ageDays", s.ageSeconds() / 86400);
            d.put("age", s.age());
            d.put("lease", s.leaseUntil() == null ? null : s.leaseUntil().toString());
            d.put("leaseExpired", s.leaseExpired());
            d.put("overlayBytes", s.overlayBytes());
            d.put("health", s.health().label());
            d.put("reasons", String.join("; ", s.reasons()));
            d.put("action", action(s));
            out.accept(new ReportItem(ReportItem.POLICY, "snapshot:" + s.host() + "/" + s.vm() + "/" + s.snapshot(), s.host(),
                    s.vm(), s.owner(), "snapshot " + s.snapshot() + " of " + s.vm() + " (" + s.health().label() + "): "
                            + String.join("; ", s.reasons()), d));
        }
        return flagged;
    }

    /** What to do about it, in the words of the fixes the report offers. */
    static String action(SnapshotHealth s) {
        String delete = "external".equals(s.kind()) ? "merge it into its image (delete)" : "delete it";
        if (s.health() == Health.CRITICAL) {
            return delete;
        }
        return delete + ", or extend its lease with a reason if it is still needed";
    }
}
