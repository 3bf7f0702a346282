package io.strata.report;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Section 1: snapshots over the snapshot policy, as the hygiene feature's health assessment
 * judges them (never judged here). Returns host/vm/snapshot → overlay bytes of each flagged one.
 */
@ApplicationScoped
public class PolicySection {

    Map<String, Long> write(HostInventory.Inventory inv, Consumer<ReportItem> out) {
        return new HashMap<>(); // filled in once the hygiene feature's health service is merged
    }
}
