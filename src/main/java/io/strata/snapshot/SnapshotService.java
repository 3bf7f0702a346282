package io.strata.snapshot;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobQueue;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.SnapshotKind;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotInfo;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.vm.VmPowerService;
import io.strata.kernel.InputRules;
import io.strata.audit.Refusals;
import io.strata.vm.SnapshotRecord;
import io.strata.hygiene.SnapshotHealthService;
import io.strata.hygiene.SnapshotProvenance;
import io.strata.hygiene.SnapshotWarnings;

/**
 * Snapshot requests, shared by the API and the pages: authorise, validate against the host's
 * current state, then queue the job. Nothing here changes libvirt; the handlers do.
 */
@ApplicationScoped
public class SnapshotService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SnapshotService.class);

    @Inject
    VmAccess access;
    @Inject
    SnapshotCaps caps;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    ExternalCreate externalCreate;
    @Inject
    ChainFiles chainFiles;
    @Inject
    VmPowerService power;
    @Inject
    SnapshotProvenance provenance;
    @Inject
    SnapshotHealthService health;
    @Inject
    SnapshotWarnings warnings;

    /**
     * A create request: {@code kind} internal (default) or external; quiesce and pause are optional;
     * {@code reason} (at most 200 characters, one line) says why it is kept, with its creator.
     */
    public record NewSnapshot(String name, String description, String kind, Boolean quiesce, Boolean pause,
                              String reason) {
        public NewSnapshot(String name, String description, String kind, Boolean quiesce, Boolean pause) {
            this(name, description, kind, quiesce, pause, null);
        }
    }

    public List<SnapshotNode> tree(Caller c, String host, String vmName) {
        return treeOf(access.forReading(c, host, vmName, "snapshot.list"));
    }

    /**
     * The tree of a VM the caller has already been allowed to read: its reads (records, marks,
     * health, warnings) in one transaction, the caller's when it has one (the VM page reads all
     * it shows in one).
     */
    public List<SnapshotNode> treeOf(Vm vm) {
        Instant now = Instant.now();
        return QuarkusTransaction.joiningExisting().call(() -> {
            List<SnapshotRecord> records = records(vm);
            return SnapshotTree.roots(records, SnapshotMark.of(vm.host, vm.name), health.forVm(vm, records),
                    warnings.forVm(vm.host, vm.name), now);
        });
    }

    static List<SnapshotRecord> records(Vm vm) {
        return QuarkusTransaction.joiningExisting().call(() -> SnapshotRecord.<SnapshotRecord>list("vmId", vm.id));
    }

    public Job create(Caller c, String host, String vmName, NewSnapshot req) {
        long t0 = System.nanoTime();
        String action = JobKind.SNAPSHOT_CREATE.action;
        Vm vm = access.forChange(c, host, vmName, action);
        String name = req.name();
        String target = host + "/" + vmName + "/" + name;
        refusals.requireName(c, action, target, "snapshot name", name);
        String descProblem = InputRules.descriptionProblem(req.description());
        if (descProblem != null) {
            throw refusals.refuse(c, action, target, 400, descProblem);
        }
        String reasonProblem = InputRules.reasonProblem(req.reason());
        if (reasonProblem != null) {
            throw refusals.refuse(c, action, target, 400, reasonProblem);
        }
        String reason = InputRules.present(req.reason()) ? req.reason().strip() : null;
        String k = req.kind() == null || req.kind().isBlank() ? "internal" : req.kind();
        if (!k.equals("internal") && !k.equals("external")) {
            throw refusals.refuse(c, action, target, 400, "kind must be \"internal\" or \"external\", not \""
                    + InputRules.printable(k) + "\"");
        }
        requireNotTemplate(c, vm, action, target);
        DomainSummary d = gateway.describe(host, vmName);
        List<SnapshotInfo> existing = domainSnapshots.snapshots(host, vmName);
        if (existing.stream().anyMatch(s -> s.name().equals(name))) {
            throw refusals.refuse(c, action, target, 409, "VM " + vmName + " already has a snapshot named " + name)
                    .withKey("snapshot_exists", vmName, name);
        }
        caps.check(c, action, target, vm, existing.size());
        boolean quiesce = Boolean.TRUE.equals(req.quiesce());
        if (k.equals("internal")) {
            if (quiesce) {
                throw refusals.refuse(c, action, target, 400, "quiesce applies to external snapshots only"
                        + " (an internal snapshot of a running VM saves its memory too)");
            }
            for (DiskInfo disk : d.disks()) {
                if ("disk".equals(disk.device()) && disk.format() != null && !"qcow2".equals(disk.format())) {
                    throw refusals.refuse(c, action, target, 409, "internal snapshots need qcow2 disks; disk "
                            + disk.target() + " is " + disk.format() + " (convert it first, or take an external snapshot)");
                }
            }
            List<String> ext = existing.stream().filter(s -> s.kind() == SnapshotKind.EXTERNAL).map(SnapshotInfo::name).toList();
            if (!ext.isEmpty()) {
                throw refusals.refuse(c, action, target, 409, vmName + " has external snapshots (" + String.join(", ", ext)
                        + "); an internal snapshot would be stored inside their overlay and lost on a merge:"
                        + " take an external snapshot, or merge the chain first");
            }
        } else {
            if (quiesce && !d.state().isActive()) {
                throw refusals.refuse(c, action, target, 409, "quiesce needs a running VM with the QEMU guest agent; "
                        + vmName + " is " + d.state().label() + " (its disks are consistent anyway: leave quiesce off)");
            }
            try {
                externalCreate.check(d, existing, name);
            } catch (TopologyRefused e) {
                throw refusals.refuse(c, action, target, 409, e.getMessage());
            }
        }
        var payload = new SnapshotPayloads.Create(SnapshotKind.valueOf(k.toUpperCase()),
                req.description() == null || req.description().isBlank() ? null : req.description(), quiesce,
                Boolean.TRUE.equals(req.pause()));
        Job job = jobs.enqueue(c, new JobRequest(JobKind.SNAPSHOT_CREATE, host, vmName, name, payload,
                k + " snapshot" + (quiesce ? ", quiesced" : "")
                        + (req.description() == null || req.description().isBlank() ? "" : ": " + req.description())
                        + (reason == null ? "" : "; reason: " + reason)));
        long t1 = System.nanoTime();
        provenance.requested(c, host, vmName, name, reason, job.id);
        LOG.debugf("job %d SNAPSHOT_CREATE: request (checks + queue) %.1f ms, provenance %.1f ms", (Object) job.id,
                (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        return job;
    }

    public Job revert(Caller c, String host, String vmName, String snapshot, boolean start) {
        return revert(c, host, vmName, snapshot, JsonNodeFactory.instance.objectNode().put("start", start));
    }

    /**
     * A revert request: {@code {start, shutdown, force, timeoutSeconds}}. With {@code shutdown} the
     * job first shuts a running VM down (graceful within the timeout; forced off only with force).
     */
    public Job revert(Caller c, String host, String vmName, String snapshot, JsonNode body) {
        long t0 = System.nanoTime();
        JobKind kind = JobKind.SNAPSHOT_REVERT;
        Existing e = existing(c, host, vmName, snapshot, kind);
        if (body != null && !body.isNull() && !body.isMissingNode() && !body.isObject()) {
            throw refusals.refuse(c, kind.action, e.target, 400, "the body must be a JSON object, not " + body.getNodeType());
        }
        JsonNode b = body == null ? MissingNode.getInstance() : body;
        // A start that is not true or false is refused, not read as false (found by the hostile requests test).
        boolean start = power.flag(c, kind.action, e.target, "start", b.get("start"));
        boolean shutdown = power.flag(c, kind.action, e.target, "shutdown", b.get("shutdown"));
        boolean force = power.flag(c, kind.action, e.target, "force", b.get("force"));
        JsonNode t = b.get("timeoutSeconds");
        int timeout = power.timeout(c, kind.action, e.target, t);
        if (shutdown) {
            DomainState state = gateway.state(host, vmName);
            if (state != DomainState.RUNNING && state != DomainState.BLOCKED && state != DomainState.SHUTDOWN
                    && state != DomainState.SHUT_OFF) {
                throw refusals.refuse(c, kind.action, e.target, 409, vmName + " is " + state.label()
                        + "; a guest in that state cannot shut down: resume it or force it off first");
            }
        }
        if (e.info.kind() == SnapshotKind.EXTERNAL) {
            check(c, kind, e.target, () -> ExternalRevert.check(layout(host, vmName), e.info,
                    SnapshotMark.of(host, vmName), shutdown));
        }
        String note = (shutdown ? "shut down first (" + timeout + " s" + (force ? ", then force off" : ", no force")
                + ")" : "") + (shutdown && start ? ", " : "") + (start ? "then start the VM" : "");
        var payload = new SnapshotPayloads.Revert(e.info.kind(), start, shutdown, force,
                t == null || t.isNull() ? null : timeout);
        Job job = jobs.enqueue(c, new JobRequest(kind, host, vmName, snapshot, payload, note.isEmpty() ? null : note));
        LOG.debugf("job %d %s: request (checks + queue) %.1f ms", (Object) job.id, kind, (System.nanoTime() - t0) / 1e6);
        return job;
    }

    public Job delete(Caller c, String host, String vmName, String snapshot, Long bandwidthMiB) {
        long t0 = System.nanoTime();
        JobKind kind = JobKind.SNAPSHOT_DELETE;
        Existing e = existing(c, host, vmName, snapshot, kind);
        Long bandwidth = null;
        if (e.info.kind() == SnapshotKind.EXTERNAL) {
            bandwidth = bandwidth(c, kind, e.target, bandwidthMiB);
            check(c, kind, e.target, () -> ExternalDelete.plan(layout(host, vmName), e.info));
        }
        Job job = jobs.enqueue(c, new JobRequest(kind, host, vmName, snapshot, new SnapshotPayloads.Delete(e.info.kind(), bandwidth),
                e.info.kind() == SnapshotKind.EXTERNAL ? "merges its overlay into its image" : null));
        LOG.debugf("job %d %s: request (checks + queue) %.1f ms", (Object) job.id, kind, (System.nanoTime() - t0) / 1e6);
        return job;
    }

    static final long MAX_BANDWIDTH_MIB = 1_000_000;

    /** Validates a merge's optional speed limit (MiB/s); null is no limit. */
    private Long bandwidth(Caller c, JobKind kind, String target, Long bandwidthMiB) {
        if (bandwidthMiB != null && (bandwidthMiB < 1 || bandwidthMiB > MAX_BANDWIDTH_MIB)) {
            throw refusals.refuse(c, kind.action, target, 400, "bandwidth must be between 1 and " + MAX_BANDWIDTH_MIB
                    + " MiB/s, not " + bandwidthMiB);
        }
        return bandwidthMiB;
    }

    /** Commits the VM's whole external chain into its base images and clears its snapshot list. */
    public Job mergeAll(Caller c, String host, String vmName, Long bandwidthMiB) {
        JobKind kind = JobKind.SNAPSHOT_MERGE_ALL;
        Vm vm = access.forChange(c, host, vmName, kind.action);
        String target = host + "/" + vmName;
        requireNotTemplate(c, vm, kind.action, target);
        var payload = new SnapshotPayloads.MergeAll(bandwidth(c, kind, target, bandwidthMiB));
        check(c, kind, target, () -> ExternalMergeAll.plan(layout(host, vmName)));
        return jobs.enqueue(c, new JobRequest(kind, host, vmName, null, payload, "merge all snapshots into the base"));
    }

    private record Existing(Vm vm, String target, SnapshotInfo info) {
    }

    private Existing existing(Caller c, String host, String vmName, String snapshot, JobKind kind) {
        Vm vm = access.forChange(c, host, vmName, kind.action);
        String target = host + "/" + vmName + "/" + snapshot;
        refusals.requireName(c, kind.action, target, "snapshot name", snapshot);
        requireNotTemplate(c, vm, kind.action, target);
        SnapshotInfo info = domainSnapshots.snapshots(host, vmName).stream().filter(s -> s.name().equals(snapshot))
                .findFirst().orElseThrow(() -> refusals.refuse(c, kind.action, target, 404,
                        "VM " + vmName + " has no snapshot named " + snapshot).withKey("snapshot_not_found", vmName, snapshot));
        return new Existing(vm, target, info);
    }

    private ChainLayout layout(String host, String vmName) {
        return chainFiles.layout(host, vmName);
    }

    /** Runs a topology check; its refusal becomes an audited 409. */
    private void check(Caller c, JobKind kind, String target, Runnable check) {
        try {
            check.run();
        } catch (TopologyRefused e) {
            throw refusals.refuse(c, kind.action, target, 409, e.getMessage());
        }
    }

    private void requireNotTemplate(Caller c, Vm vm, String action, String target) {
        if (vm.template) {
            throw refusals.refuse(c, action, target, 409, vm.name + " is a sealed template; its snapshots cannot change")
                    .withKey("template_sealed", vm.name);
        }
    }
}
