package io.strata.snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.ObservedVm;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.SnapshotKind;

/**
 * Creating an external (disk-only, copy-on-write) snapshot: libvirt makes a new qcow2 overlay
 * beside each file-backed disk, atomically; the snapshot's data stays in the file below it.
 */
@ApplicationScoped
public class ExternalCreate {

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    BackingChains chains;
    @Inject
    ImageFiles files;

    /** target → overlay file for a new external snapshot of the domain's disks, placed beside each disk. */
    static Map<String, String> plannedOverlays(DomainSummary d, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (DiskInfo disk : d.disks()) {
            if ("disk".equals(disk.device()) && disk.file() != null) {
                if (!"qcow2".equals(disk.format()) && !"raw".equals(disk.format())) {
                    throw new TopologyRefused("disk " + disk.target() + " is " + disk.format()
                            + "; external snapshots are taken of qcow2 and raw disks only");
                }
                out.put(disk.target(), ImageFiles.sibling(disk.file(), name));
            }
        }
        if (out.isEmpty()) {
            throw new TopologyRefused(d.name() + " has no file-backed disk to snapshot");
        }
        return out;
    }

    /**
     * The checks a create request gets before it is queued (and the job again before it acts);
     * {@code fileExists} tells whether an overlay's name is taken. Returns target → overlay.
     */
    static Map<String, String> check(DomainSummary d, List<SnapshotInfo> snapshots, String name,
            Predicate<String> fileExists) {
        List<String> internal = snapshots.stream().filter(s -> s.kind() == SnapshotKind.INTERNAL)
                .map(SnapshotInfo::name).toList();
        if (!internal.isEmpty()) {
            throw new TopologyRefused(d.name() + " has internal snapshots (" + String.join(", ", internal)
                    + "); mixing internal and external snapshots in one chain is not supported: delete them first"
                    + " or keep taking internal snapshots");
        }
        Map<String, String> overlays = plannedOverlays(d, name);
        for (String file : overlays.values()) {
            if (fileExists.test(file)) {
                throw new TopologyRefused("the overlay file " + file + " already exists (left by an earlier snapshot"
                        + " or copied there); choose another snapshot name or remove that file");
            }
        }
        return overlays;
    }

    /** {@link #check} against the host's files. */
    Map<String, String> check(DomainSummary d, List<SnapshotInfo> snapshots, String name) {
        return check(d, snapshots, name, files::exists);
    }

    String create(JobContext ctx) {
        String host = ctx.host();
        String vm = ctx.vm();
        String name = ctx.target();
        // The request's checks again, on the VM as it is after the wait in the queue (the worker's reading).
        ObservedVm start = ctx.atStart();
        boolean read = start != null && start.domain() != null;
        DomainSummary d = read ? start.domain() : gateway.describe(host, vm);
        Map<String, String> overlays = check(d, read ? start.snapshots() : domainSnapshots.snapshots(host, vm), name);
        boolean running = d.state().isActive();
        SnapshotPayloads.Create payload = ctx.payload(SnapshotPayloads.Create.class);
        boolean quiesce = payload.quiesce();
        if (quiesce && !running) {
            throw new JobFailure("quiesce needs a running VM with the QEMU guest agent; " + vm + " is "
                    + d.state().label() + " (a shut-off VM's disks are consistent anyway: take it without quiesce)");
        }
        if (!quiesce) {
            ctx.log(running ? "not quiesced: the snapshot is crash-consistent (as if the power was cut at that"
                    + " moment); ask for quiesce when the guest agent runs in the VM"
                    : "VM is shut off: its disks are consistent");
        }
        List<String> others = d.disks().stream().filter(x -> !overlays.containsKey(x.target()))
                .map(DiskInfo::target).toList();
        boolean pause = payload.pause() && d.state() == DomainState.RUNNING;
        ctx.progress(20, "creating overlays " + String.join(", ", overlays.values()));
        ctx.checkCancelled();
        if (pause) {
            gateway.suspend(host, vm);
            ctx.log("VM paused for the snapshot");
        }
        try {
            domainSnapshots.createExternalSnapshot(host, vm, name, payload.description(), overlays, others, quiesce);
        } catch (LibvirtFailure e) {
            // libvirt's atomic create removes what it made; make sure no overlay of ours stays. A file
            // at an overlay's name that some domain uses now is not ours: another VM whose disk has
            // the same name without its extension may have taken that name meanwhile.
            if (!domainSnapshots.hasSnapshot(host, vm, name)) {
                var inUse = gateway.domainsByFile(host).keySet();
                overlays.values().stream().filter(f -> !inUse.contains(f)).forEach(files::removeQuietly);
            }
            if (quiesce) {
                throw new JobFailure("quiesce failed, so no snapshot was taken (Strata does not fall back to a"
                        + " crash-consistent one): " + e.getMessage(), e);
            }
            throw e;
        } finally {
            if (pause) {
                gateway.resume(host, vm);
                ctx.log("VM resumed");
            }
        }
        for (DiskInfo disk : d.disks()) {
            String overlay = overlays.get(disk.target());
            if (overlay != null) {
                chains.rememberOverlay(overlay, disk.file(), disk.format());
                ctx.log(disk.target() + ": new overlay " + overlay);
            }
        }
        return "external snapshot " + name + " created" + (quiesce ? " (quiesced)" : "") + "; overlays "
                + String.join(", ", overlays.values());
    }

    /** libvirt's create is atomic: the snapshot exists or nothing was made. */
    String reconcile(JobContext ctx) {
        if (domainSnapshots.hasSnapshot(ctx.host(), ctx.vm(), ctx.target())) {
            return "snapshot " + ctx.target() + " exists on the host: libvirt completed it";
        }
        return "snapshot " + ctx.target() + " does not exist on the host: nothing was created";
    }
}
