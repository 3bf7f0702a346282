package io.strata.hygiene;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.Roles;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;

/**
 * The snapshot policy: the global values (admins change them) and per-VM overrides (operators and
 * admins). Every change is audited with the old and the new values in the transaction that
 * stores it; a bad value is an audited 400 and nothing changes.
 */
@ApplicationScoped
public class PolicyService {

    public static final String GLOBAL_ACTION = "policy.snapshots.update";
    public static final String VM_ACTION = "policy.vm.update";

    /** A VM's policy: what it overrides (null fields inherit) and what applies. */
    public record VmPolicy(String host, String vm, PolicyValues overrides, PolicyValues effective) {
    }

    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;
    @Inject
    VmAccess access;

    /** The global policy (complete). */
    public PolicyValues global() {
        return QuarkusTransaction.joiningExisting().call(() -> {
            SnapshotPolicyRecord r = SnapshotPolicyRecord.findById(SnapshotPolicyRecord.GLOBAL);
            return r == null ? PolicyValues.DEFAULTS : PolicyValues.DEFAULTS.overriddenBy(r.values());
        });
    }

    /** The global policy and VMs' overrides by scope, as read together; {@link #of} is what applies to a VM. */
    public record Policies(PolicyValues global, Map<String, PolicyValues> overrides) {
        public PolicyValues of(String host, String vm) {
            return global.overriddenBy(overrides.get(SnapshotPolicyRecord.vmScope(host, vm)));
        }
    }

    /**
     * What applies to these VMs, in one query: the global row and, when the VMs are few, their
     * own overrides only (a VM page must not load every override); else every row.
     */
    public Policies policiesFor(Collection<Vm> vms) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            List<SnapshotPolicyRecord> rows;
            if (vms.size() > 100) {
                rows = SnapshotPolicyRecord.listAll();
            } else if (vms.size() == 1) { // '=': a list parameter costs a translation to SQL at each run
                Vm vm = vms.iterator().next();
                rows = SnapshotPolicyRecord.list("scope = ?1 or scope = ?2", SnapshotPolicyRecord.GLOBAL,
                        SnapshotPolicyRecord.vmScope(vm.host, vm.name));
            } else {
                List<String> scopes = new ArrayList<>();
                scopes.add(SnapshotPolicyRecord.GLOBAL);
                vms.forEach(v -> scopes.add(SnapshotPolicyRecord.vmScope(v.host, v.name)));
                rows = SnapshotPolicyRecord.list("scope in ?1", scopes);
            }
            PolicyValues global = PolicyValues.DEFAULTS;
            Map<String, PolicyValues> overrides = new HashMap<>();
            for (SnapshotPolicyRecord r : rows) {
                if (SnapshotPolicyRecord.GLOBAL.equals(r.scope)) {
                    global = PolicyValues.DEFAULTS.overriddenBy(r.values());
                } else {
                    overrides.put(r.scope, r.values());
                }
            }
            return new Policies(global, overrides);
        });
    }

    /** Every VM's overrides by "host/vm" (one query, for lists across VMs). */
    public Map<String, PolicyValues> allOverrides() {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<String, PolicyValues> out = new HashMap<>();
            for (SnapshotPolicyRecord r : SnapshotPolicyRecord.<SnapshotPolicyRecord>list("scope <> ?1",
                    SnapshotPolicyRecord.GLOBAL)) {
                out.put(r.scope, r.values());
            }
            return out;
        });
    }

    /** The policy that applies to one VM (global with its overrides). */
    public PolicyValues effective(String host, String vm) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            SnapshotPolicyRecord r = SnapshotPolicyRecord.findById(SnapshotPolicyRecord.vmScope(host, vm));
            return global().overriddenBy(r == null ? null : r.values());
        });
    }

    public VmPolicy vmPolicy(Caller c, String host, String vm) {
        access.forReading(c, host, vm, "policy.vm.read");
        return QuarkusTransaction.requiringNew().call(() -> {
            SnapshotPolicyRecord r = SnapshotPolicyRecord.findById(SnapshotPolicyRecord.vmScope(host, vm));
            PolicyValues o = r == null ? PolicyValues.NONE : r.values();
            return new VmPolicy(host, vm, o, global().overriddenBy(o));
        });
    }

    /** Changes the global policy (admins): fields left out keep their value. */
    public PolicyValues updateGlobal(Caller c, JsonNode body) {
        String target = "snapshot-policy/" + SnapshotPolicyRecord.GLOBAL;
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, GLOBAL_ACTION, target, 403, "only admins change the global snapshot policy");
        }
        PolicyValues given = read(c, GLOBAL_ACTION, target, body, false);
        return QuarkusTransaction.requiringNew().call(() -> {
            SnapshotPolicyRecord r = SnapshotPolicyRecord.findById(SnapshotPolicyRecord.GLOBAL,
                    jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            PolicyValues old = r.values();
            PolicyValues now = PolicyValues.DEFAULTS.overriddenBy(old).overriddenBy(given);
            consistent(c, GLOBAL_ACTION, target, now);
            // Every VM's effective policy must stay sound too.
            for (Map.Entry<String, PolicyValues> e : allOverrides().entrySet()) {
                try {
                    PolicyInput.checkConsistent(now.overriddenBy(e.getValue()));
                } catch (PolicyInput.Problem p) {
                    throw refusals.refuse(c, GLOBAL_ACTION, target, 400, "with the overrides of VM " + e.getKey() + ": "
                            + p.getMessage());
                }
            }
            r.set(now);
            r.updatedAt = Instant.now();
            r.updatedBy = c.name();
            audit.record(c, GLOBAL_ACTION, target, null, Outcome.SUCCESS,
                    "old: " + old.describe() + "; new: " + now.describe());
            return now;
        });
    }

    /** Replaces a VM's overrides (operators and admins): fields left out or null inherit the global value. */
    public VmPolicy updateVm(Caller c, String host, String vm, JsonNode body) {
        String target = host + "/" + vm;
        access.forReading(c, host, vm, VM_ACTION);
        if (!c.actsOnAllVms()) {
            throw refusals.refuse(c, VM_ACTION, target, 403, "only operators and admins change a VM's snapshot policy");
        }
        PolicyValues given = read(c, VM_ACTION, target, body, true);
        return QuarkusTransaction.requiringNew().call(() -> {
            PolicyValues effective = global().overriddenBy(given);
            consistent(c, VM_ACTION, target, effective);
            String scope = SnapshotPolicyRecord.vmScope(host, vm);
            SnapshotPolicyRecord r = SnapshotPolicyRecord.findById(scope, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            PolicyValues old = r == null ? PolicyValues.NONE : r.values();
            if (given.isEmpty()) {
                if (r != null) {
                    r.delete();
                }
            } else {
                if (r == null) {
                    r = new SnapshotPolicyRecord();
                    r.scope = scope;
                }
                r.set(given);
                r.updatedAt = Instant.now();
                r.updatedBy = c.name();
                r.persist();
            }
            audit.record(c, VM_ACTION, target, null, Outcome.SUCCESS,
                    "old overrides: " + old.describe() + "; new overrides: " + given.describe());
            return new VmPolicy(host, vm, given, effective);
        });
    }

    private PolicyValues read(Caller c, String action, String target, JsonNode body, boolean nullClears) {
        try {
            return PolicyInput.read(body, nullClears);
        } catch (PolicyInput.Problem p) {
            throw refusals.refuse(c, action, target, 400, p.getMessage());
        }
    }

    private void consistent(Caller c, String action, String target, PolicyValues p) {
        try {
            PolicyInput.checkConsistent(p);
        } catch (PolicyInput.Problem e) {
            throw refusals.refuse(c, action, target, 400, e.getMessage());
        }
    }
}
