package io.strata.hygiene;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;

/** The warnings the scan recorded, listed per snapshot (VM page, snapshot API). */
@ApplicationScoped
public class SnapshotWarnings {

    /** One recorded crossing: warn, critical or lease-expired, with the reasons at that moment. */
    public record Warning(Instant at, String crossing, Health health, List<String> reasons) {
    }

    /** A VM's recorded warnings by snapshot name, oldest first. */
    public Map<String, List<Warning>> forVm(String host, String vm) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<String, List<Warning>> out = new HashMap<>();
            for (SnapshotWarningRecord w : SnapshotWarningRecord.<SnapshotWarningRecord>list(
                    "host = ?1 and vm = ?2 order by id", host, vm)) {
                out.computeIfAbsent(w.snapshot, k -> new ArrayList<>()).add(new Warning(w.at, w.crossing,
                        Health.parse(w.health), List.of(w.reasons.split("\n"))));
            }
            return out;
        });
    }
}
