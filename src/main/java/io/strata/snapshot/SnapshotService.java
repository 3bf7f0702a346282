package io.strata.snapshot;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.auth.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobService;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.SnapshotInfo;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.vm.VmViews;
import io.strata.web.InputRules;
import io.strata.web.Refusals;

/**
 * Snapshot requests, shared by the API and the pages: authorise, validate against the host's
 * current state, then queue the job. Nothing here changes libvirt; the handlers do.
 */
@ApplicationScoped
public class SnapshotService {

    @Inject
    VmAccess access;
    @Inject
    VmViews views;
    @Inject
    Refusals refusals;
    @Inject
    JobService jobs;
    @Inject
    LibvirtGateway gateway;

    public List<SnapshotNode> tree(Caller c, String host, String vmName) {
        Vm vm = access.forReading(c, host, vmName, "snapshot.list");
        return SnapshotTree.roots(records(vm), Instant.now());
    }

    static List<SnapshotRecord> records(Vm vm) {
        return QuarkusTransaction.requiringNew().call(() -> SnapshotRecord.<SnapshotRecord>list("vmId", vm.id));
    }

    public Job create(Caller c, String host, String vmName, String name, String description, String kind) {
        String action = JobKind.SNAPSHOT_CREATE.action;
        Vm vm = access.forChange(c, host, vmName, action);
        String target = host + "/" + vmName + "/" + name;
        refusals.requireName(c, action, target, "snapshot name", name);
        String descProblem = InputRules.descriptionProblem(description);
        if (descProblem != null) {
            throw refusals.refuse(c, action, target, 400, descProblem);
        }
        String k = kind == null || kind.isBlank() ? "internal" : kind;
        if (!k.equals("internal")) {
            if (k.equals("external")) {
                throw refusals.refuse(c, action, target, 400,
                        "external snapshots are not available yet on this Strata version; use kind \"internal\"");
            }
            throw refusals.refuse(c, action, target, 400, "kind must be \"internal\" or \"external\", not \""
                    + InputRules.printable(k) + "\"");
        }
        requireNotTemplate(c, vm, action, target);
        for (DiskInfo d : views.disks(vm)) {
            if ("disk".equals(d.device()) && d.format() != null && !"qcow2".equals(d.format())) {
                throw refusals.refuse(c, action, target, 409, "internal snapshots need qcow2 disks; disk "
                        + d.target() + " is " + d.format() + " (convert it first)");
            }
        }
        if (gateway.hasSnapshot(host, vmName, name)) {
            throw refusals.refuse(c, action, target, 409, "VM " + vmName + " already has a snapshot named " + name);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("kind", k);
        if (description != null && !description.isBlank()) {
            params.put("description", description);
        }
        return jobs.enqueue(c, new JobRequest(JobKind.SNAPSHOT_CREATE, host, vmName, name, params,
                k + " snapshot" + (description == null || description.isBlank() ? "" : ": " + description)));
    }

    public Job revert(Caller c, String host, String vmName, String snapshot) {
        return onExisting(c, host, vmName, snapshot, JobKind.SNAPSHOT_REVERT);
    }

    public Job delete(Caller c, String host, String vmName, String snapshot) {
        return onExisting(c, host, vmName, snapshot, JobKind.SNAPSHOT_DELETE);
    }

    private Job onExisting(Caller c, String host, String vmName, String snapshot, JobKind kind) {
        Vm vm = access.forChange(c, host, vmName, kind.action);
        String target = host + "/" + vmName + "/" + snapshot;
        refusals.requireName(c, kind.action, target, "snapshot name", snapshot);
        requireNotTemplate(c, vm, kind.action, target);
        SnapshotInfo info = gateway.snapshots(host, vmName).stream().filter(s -> s.name().equals(snapshot))
                .findFirst().orElseThrow(() -> refusals.refuse(c, kind.action, target, 404,
                        "VM " + vmName + " has no snapshot named " + snapshot));
        if (info.kind() != io.strata.libvirt.SnapshotKind.INTERNAL) {
            throw refusals.refuse(c, kind.action, target, 409,
                    "snapshot " + snapshot + " is external; reverting and deleting external snapshots is not available yet");
        }
        return jobs.enqueue(c, new JobRequest(kind, host, vmName, snapshot, Map.of("kind", "internal"), null));
    }

    private void requireNotTemplate(Caller c, Vm vm, String action, String target) {
        if (vm.template) {
            throw refusals.refuse(c, action, target, 409, vm.name + " is a sealed template; its snapshots cannot change");
        }
    }
}
