package io.strata.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.strata.hygiene.SnapshotHealth;
import io.strata.hygiene.SnapshotWarnings;
import io.strata.kernel.Ages;
import io.strata.vm.SnapshotRecord;

/** Builds the parent/child tree of a VM's snapshots, and a flat, indented form for pages. */
public final class SnapshotTree {

    /**
     * The VM's health as its snapshots make it: the worst of theirs, ok without any (what
     * the VM list shows, computed here from the tree a page already has).
     */
    public static String worstHealth(List<Row> rows) {
        return rows.stream().map(r -> r.node().health()).filter(java.util.Objects::nonNull)
                .reduce(io.strata.hygiene.Health.OK, io.strata.hygiene.Health::worst).label();
    }

    /** A row of the flat form: the node and how deep it sits. */
    public record Row(SnapshotNode node, int depth) {
    }

    private SnapshotTree() {
    }

    public static List<SnapshotNode> roots(List<SnapshotRecord> records, Instant now) {
        return roots(records, Map.of(), now);
    }

    public static List<SnapshotNode> roots(List<SnapshotRecord> records, Map<String, String> marks, Instant now) {
        return roots(records, marks, Map.of(), Map.of(), now);
    }

    /** The tree with each snapshot's hygiene (creator, reason, health, lease) and recorded warnings. */
    public static List<SnapshotNode> roots(List<SnapshotRecord> records, Map<String, String> marks,
            Map<String, SnapshotHealth> health, Map<String, List<SnapshotWarnings.Warning>> warnings, Instant now) {
        List<SnapshotRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing((SnapshotRecord r) -> r.createdAt).thenComparing(r -> r.name));
        Map<String, SnapshotRecord> byName = new HashMap<>();
        sorted.forEach(r -> byName.put(r.name, r));
        Map<String, List<SnapshotRecord>> children = new HashMap<>();
        List<SnapshotRecord> rootRecords = new ArrayList<>();
        for (SnapshotRecord r : sorted) {
            if (r.parent == null || !byName.containsKey(r.parent)) {
                rootRecords.add(r);
            } else {
                children.computeIfAbsent(r.parent, k -> new ArrayList<>()).add(r);
            }
        }
        List<SnapshotNode> out = new ArrayList<>();
        for (SnapshotRecord r : rootRecords) {
            out.add(build(r, children, marks, health, warnings, now));
        }
        return out;
    }

    private static SnapshotNode build(SnapshotRecord r, Map<String, List<SnapshotRecord>> children,
            Map<String, String> marks, Map<String, SnapshotHealth> health,
            Map<String, List<SnapshotWarnings.Warning>> warnings, Instant now) {
        long age = Math.max(0, Duration.between(r.createdAt, now).getSeconds());
        SnapshotHealth h = health.get(r.name);
        SnapshotNode n = new SnapshotNode(r.name, r.kind.toLowerCase(), r.parent, r.createdAt, age, Ages.human(age),
                r.description, r.state, r.current, r.files == null ? List.of() : List.of(r.files.split("\n")),
                r.overlayBytes, marks.get(r.name), h == null ? null : h.creator(), h == null ? null : h.reason(),
                h == null ? null : h.health(), h == null ? List.of() : h.reasons(), h == null ? null : h.leaseUntil(),
                h != null && h.leaseExtended(), h != null && h.leaseExpired(), warnings.getOrDefault(r.name, List.of()),
                List.of());
        for (SnapshotRecord c : children.getOrDefault(r.name, List.of())) {
            n = n.withChild(build(c, children, marks, health, warnings, now));
        }
        return n;
    }

    /** All nodes, newest first, without nesting (the creation-time view). */
    public static List<Row> byTime(List<SnapshotNode> roots) {
        List<Row> rows = flatten(roots);
        List<Row> out = new ArrayList<>();
        rows.forEach(r -> out.add(0, new Row(r.node(), 0)));
        // libvirt's creation time has one-second steps: within a second, children before parents.
        out.sort(Comparator.comparing((Row r) -> r.node().created()).reversed());
        return out;
    }

    public static List<Row> flatten(List<SnapshotNode> roots) {
        List<Row> rows = new ArrayList<>();
        for (SnapshotNode n : roots) {
            walk(n, 0, rows);
        }
        return rows;
    }

    private static void walk(SnapshotNode n, int depth, List<Row> rows) {
        rows.add(new Row(n, depth));
        for (SnapshotNode c : n.children()) {
            walk(c, depth + 1, rows);
        }
    }
}
