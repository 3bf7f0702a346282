package io.strata.hygiene;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Ages;
import io.strata.kernel.Caller;
import io.strata.libvirt.DiskInfo;
import io.strata.vm.SnapshotRecord;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.vm.VmHealthSource;
import io.strata.vm.VmViews;

/**
 * Health of snapshots from the inventory cache, the policy and the hygiene rows: for one VM (its
 * page and tree), for many VMs (badges) and across VMs for a caller (API list, dashboard, report).
 * Reads only; {@link HealthAssessment} decides.
 */
@ApplicationScoped
public class SnapshotHealthService implements VmHealthSource {

    /** Which snapshots to list; null or empty means any. {@code olderThanDays}: created more than that many days ago. */
    public record Filter(Set<Health> health, String host, String owner, Integer olderThanDays) {
        public static final Filter ALL = new Filter(null, null, null, null);

        boolean keepsVm(Vm vm) {
            return (host == null || host.equals(vm.host)) && (owner == null || owner.equals(vm.owner));
        }

        boolean keeps(SnapshotHealth s, Instant now) {
            return (health == null || health.isEmpty() || health.contains(s.health()))
                    && (olderThanDays == null || s.created().isBefore(now.minus(Duration.ofDays(olderThanDays))));
        }
    }

    /** A VM's health: the worst of its snapshots', and how many are warn and critical. */
    public record VmHealth(Health health, int warn, int critical) {
        public static final VmHealth OK = new VmHealth(Health.OK, 0, 0);
    }

    @Inject
    VmAccess access;
    @Inject
    VmViews views;
    @Inject
    PolicyService policy;

    /** Every snapshot the caller may see that the filter keeps, worst first, then oldest first. */
    public List<SnapshotHealth> assess(Caller c, Filter filter) {
        return assess(vm -> access.canSee(c, vm), filter == null ? Filter.ALL : filter, Instant.now());
    }

    /** Every snapshot on every VM (Strata itself looking), in a transaction of its own. */
    public List<SnapshotHealth> assessAll(Instant now) {
        return assess(vm -> true, Filter.ALL, now);
    }

    /** The same inside the caller's transaction (the scan, which holds its lock there). */
    List<SnapshotHealth> assessAllIn(Instant now) {
        return QuarkusTransaction.joiningExisting().call(() -> compute(vm -> true, Filter.ALL, now));
    }

    /**
     * One VM's snapshots by name (the VM page and the snapshot tree), from its records as the
     * caller read them in its transaction; the caller checked access.
     */
    public Map<String, SnapshotHealth> forVm(Vm vm, List<SnapshotRecord> records) {
        Map<String, SnapshotHealth> out = new HashMap<>();
        for (SnapshotHealth s : QuarkusTransaction.joiningExisting().call(() -> compute(
                List.of(vm), Map.of(vm.id, records), Filter.ALL, Instant.now()))) {
            out.put(s.snapshot(), s);
        }
        return out;
    }

    /** Each VM's health by "host/vm" (VMs without snapshots are ok); the caller checked access. */
    public Map<String, VmHealth> vmHealth(Collection<Vm> vms) {
        Set<Long> ids = new java.util.HashSet<>();
        vms.forEach(v -> ids.add(v.id));
        Map<String, VmHealth> out = new HashMap<>();
        vms.forEach(v -> out.put(v.host + "/" + v.name, VmHealth.OK));
        if (ids.isEmpty()) {
            return out;
        }
        // These VMs' rows only: a VM page asks for one VM and must not load a thousand.
        for (SnapshotHealth s : QuarkusTransaction.requiringNew().call(() -> compute(
                Vm.<Vm>list("id in ?1 order by host, name", ids), Filter.ALL, Instant.now()))) {
            VmHealth h = out.getOrDefault(s.host() + "/" + s.vm(), VmHealth.OK);
            out.put(s.host() + "/" + s.vm(), new VmHealth(h.health().worst(s.health()),
                    h.warn() + (s.health() == Health.WARN ? 1 : 0), h.critical() + (s.health() == Health.CRITICAL ? 1 : 0)));
        }
        return out;
    }

    @Override
    public Map<String, String> healthOf(Collection<Vm> vms) {
        Map<String, String> out = new HashMap<>();
        vmHealth(vms).forEach((k, v) -> out.put(k, v.health().label()));
        return out;
    }

    private List<SnapshotHealth> assess(Predicate<Vm> visible, Filter filter, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> compute(visible, filter, now));
    }

    private List<SnapshotHealth> compute(Predicate<Vm> visible, Filter filter, Instant now) {
        return compute(Vm.<Vm>list("order by host, name").stream().filter(visible).toList(), filter, now);
    }

    /** The health of the given VMs' snapshots (those the filter keeps), in the caller's transaction. */
    private List<SnapshotHealth> compute(List<Vm> candidates, Filter filter, Instant now) {
        List<Vm> vms = candidates.stream().filter(filter::keepsVm).toList();
        if (vms.isEmpty()) {
            return List.of();
        }
        Map<Long, List<SnapshotRecord>> byVm = new HashMap<>();
        for (SnapshotRecord r : SnapshotRecord.<SnapshotRecord>list("vmId in ?1", vms.stream().map(v -> v.id).toList())) {
            byVm.computeIfAbsent(r.vmId, k -> new ArrayList<>()).add(r);
        }
        return compute(vms, byVm, filter, now);
    }

    /**
     * The same from records already read ({@code byVm}: each VM's snapshot records by its id);
     * {@code vms} are those the filter keeps.
     */
    private List<SnapshotHealth> compute(List<Vm> vms, Map<Long, List<SnapshotRecord>> byVm, Filter filter, Instant now) {
        Map<SnapshotHygieneRecord.Key, SnapshotHygieneRecord> hygiene = new HashMap<>();
        // One VM (its page) is asked with '=': Hibernate translates a query with a list parameter anew at each run.
        List<SnapshotHygieneRecord> records = vms.size() > 100 ? SnapshotHygieneRecord.listAll()
                : vms.size() == 1 ? SnapshotHygieneRecord.list("host = ?1 and vm = ?2", vms.get(0).host, vms.get(0).name)
                : SnapshotHygieneRecord.list("host in ?1 and vm in ?2", vms.stream().map(v -> v.host).distinct().toList(),
                        vms.stream().map(v -> v.name).distinct().toList());
        for (SnapshotHygieneRecord h : records) {
            hygiene.put(new SnapshotHygieneRecord.Key(h.host, h.vm, h.snapshot), h);
        }
        PolicyService.Policies policies = policy.policiesFor(vms);
        List<SnapshotHealth> out = new ArrayList<>();
        for (Vm vm : vms) {
            List<SnapshotRecord> snaps = byVm.getOrDefault(vm.id, List.of());
            if (snaps.isEmpty()) {
                continue;
            }
            PolicyValues p = policies.of(vm.host, vm.name);
            Map<String, Long> virtualByTarget = new HashMap<>();
            for (DiskInfo d : views.disks(vm)) {
                if (!d.chain().isEmpty()) {
                    virtualByTarget.put(d.target(), d.chain().get(0).virtualSize());
                }
            }
            Map<String, SnapshotRecord> byName = new HashMap<>();
            snaps.forEach(s -> byName.put(s.name, s));
            for (SnapshotRecord s : snaps) {
                SnapshotHygieneRecord h = hygiene.get(new SnapshotHygieneRecord.Key(vm.host, vm.name, s.name));
                SnapshotFacts facts = new SnapshotFacts(s.name, s.createdAt, snaps.size(), externalDepth(s, byName),
                        s.overlayBytes, imageVirtualBytes(s, virtualByTarget), s.current, runs(vm.state),
                        h == null ? null : h.leaseUntil);
                Assessment a = HealthAssessment.assess(p, facts, now);
                long age = Math.max(0, Duration.between(s.createdAt, now).getSeconds());
                SnapshotHealth sh = new SnapshotHealth(vm.host, vm.name, s.name, s.kind.toLowerCase(), vm.owner,
                        vm.state, h == null || h.creator == null ? SnapshotHealth.OUTSIDE : h.creator,
                        h == null ? null : h.reason, s.createdAt, age, Ages.human(age), a.leaseUntil(),
                        h != null && h.leaseUntil != null, h == null ? null : h.leaseBy,
                        h == null ? null : h.leaseReason, a.leaseExpired(), s.overlayBytes, s.current, a.health(),
                        a.reasons());
                if (filter.keeps(sh, now)) {
                    out.add(sh);
                }
            }
        }
        out.sort(Comparator.comparing(SnapshotHealth::health).reversed()
                .thenComparing(SnapshotHealth::created).thenComparing(SnapshotHealth::host)
                .thenComparing(SnapshotHealth::vm).thenComparing(SnapshotHealth::snapshot));
        return out;
    }

    private static boolean runs(String state) {
        return "running".equals(state) || "paused".equals(state) || "blocked".equals(state);
    }

    /** External snapshots from the tree's root down to this one, itself included; 0 for an internal one. */
    static int externalDepth(SnapshotRecord s, Map<String, SnapshotRecord> byName) {
        int depth = 0;
        Set<String> seen = new java.util.HashSet<>();
        for (SnapshotRecord r = s; r != null && seen.add(r.name); r = r.parent == null ? null : byName.get(r.parent)) {
            if ("EXTERNAL".equals(r.kind)) {
                depth++;
            } else if (r == s) {
                return 0;
            }
        }
        return depth;
    }

    /** The virtual size of the disks an external snapshot covers (its "target: image → overlay" lines). */
    static Long imageVirtualBytes(SnapshotRecord s, Map<String, Long> virtualByTarget) {
        if (s.files == null || s.files.isBlank()) {
            return null;
        }
        long sum = 0;
        boolean any = false;
        for (String line : s.files.split("\n")) {
            int colon = line.indexOf(':');
            Long v = colon < 0 ? null : virtualByTarget.get(line.substring(0, colon).strip());
            if (v != null) {
                sum += v;
                any = true;
            }
        }
        return any ? sum : null;
    }
}
