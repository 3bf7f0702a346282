package io.strata.hygiene;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;

/** Builds the dashboard from the same assessment as the API, so the two never disagree. */
@ApplicationScoped
public class DashboardService {

    static final int WORST = 10;
    static final long DAY = 86_400;
    /** Age buckets of the histogram: upper bounds in days (the last is open). */
    static final long[] BUCKETS = { 1, 3, 7, 14, 30 };

    @Inject
    SnapshotHealthService health;
    @Inject
    VmAccess access;

    public Dashboard of(Caller c) {
        List<SnapshotHealth> all = health.assess(c, SnapshotHealthService.Filter.ALL);
        List<Vm> vms = QuarkusTransaction.requiringNew().call(() -> Vm.<Vm>listAll()).stream()
                .filter(v -> access.canSee(c, v)).toList();
        return build(all, vms.stream().map(v -> v.host + "/" + v.name).toList());
    }

    /** Pure: the numbers from the assessed snapshots and the names ("host/vm") of the VMs the caller sees. */
    static Dashboard build(List<SnapshotHealth> all, List<String> vms) {
        long[] levels = new long[3];
        Map<String, Health> vmWorst = new HashMap<>();
        vms.forEach(v -> vmWorst.put(v, Health.OK));
        Map<String, Long> byHost = new TreeMap<>();
        Map<String, Long> byOwner = new TreeMap<>();
        long[] ages = new long[BUCKETS.length + 1];
        long bytes = 0;
        for (SnapshotHealth s : all) {
            levels[s.health().ordinal()]++;
            vmWorst.merge(s.host() + "/" + s.vm(), s.health(), Health::worst);
            long b = s.overlayBytes() == null ? 0 : s.overlayBytes();
            bytes += b;
            byHost.merge(s.host(), b, Long::sum);
            byOwner.merge(s.owner() == null ? "(no owner)" : s.owner(), b, Long::sum);
            int i = 0;
            while (i < BUCKETS.length && s.ageSeconds() >= BUCKETS[i] * DAY) {
                i++;
            }
            ages[i]++;
        }
        long[] vmLevels = new long[3];
        vmWorst.values().forEach(h -> vmLevels[h.ordinal()]++);
        List<BarChart.Item> ageItems = new ArrayList<>();
        for (int i = 0; i <= BUCKETS.length; i++) {
            String label = i == 0 ? "< " + BUCKETS[0] + " d"
                    : i == BUCKETS.length ? "≥ " + BUCKETS[i - 1] + " d" : BUCKETS[i - 1] + "–" + BUCKETS[i] + " d";
            ageItems.add(new BarChart.Item(label, ages[i]));
        }
        List<SnapshotHealth> worst = all.stream().filter(s -> s.health() != Health.OK).limit(WORST).toList();
        return new Dashboard(levels[0], levels[1], levels[2], vmLevels[0], vmLevels[1], vmLevels[2], worst,
                BarChart.vertical(ageItems, Long::toString, 480, 180),
                BarChart.horizontal(items(byHost), Long::toString, 480),
                BarChart.horizontal(items(byOwner), Long::toString, 480), bytes);
    }

    private static List<BarChart.Item> items(Map<String, Long> m) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new BarChart.Item(e.getKey(), e.getValue())).toList();
    }
}
