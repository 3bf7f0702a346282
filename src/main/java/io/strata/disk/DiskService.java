package io.strata.disk;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.kernel.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobQueue;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.vm.VmAccess;
import io.strata.audit.Refusals;
import io.strata.job.JobPayload;
import io.strata.kernel.InputRules;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.SnapshotKind;

/** A VM's disks and their image chains, read live, and the disk-check job. */
@ApplicationScoped
public class DiskService {

    @Inject
    VmAccess access;
    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    JobQueue jobs;
    @Inject
    Refusals refusals;

    /** Each disk with its backing chain, top first, as qemu-img reads it now. */
    public List<DiskInfo> disks(Caller c, String host, String vm) {
        access.forReading(c, host, vm, "disk.list");
        return gateway.describe(host, vm).disks();
    }

    /**
     * Converts a shut-off VM's disk between raw and qcow2. A disk holding internal snapshots is
     * refused unless {@code confirmLoss}: a raw image cannot hold them, and converting drops them.
     */
    public Job convert(Caller c, String host, String vm, String target, String format, boolean confirmLoss) {
        String action = JobKind.DISK_CONVERT.action;
        access.forChange(c, host, vm, action);
        String t = host + "/" + vm + "/" + target;
        refusals.requireName(c, action, t, "disk target", target);
        if (!"raw".equals(format) && !"qcow2".equals(format)) {
            throw refusals.refuse(c, action, t, 400, "format must be \"raw\" or \"qcow2\", not \""
                    + InputRules.printable(format == null ? "" : format) + "\"");
        }
        DomainSummary d = gateway.describe(host, vm);
        DiskInfo disk = d.disks().stream().filter(x -> target.equals(x.target())).findFirst()
                .orElseThrow(() -> refusals.refuse(c, action, t, 404, vm + " has no disk " + target));
        String problem = convertProblem(d, disk, format);
        if (problem != null) {
            throw refusals.refuse(c, action, t, 409, problem);
        }
        var snaps = domainSnapshots.snapshots(host, vm);
        if (snaps.stream().anyMatch(s -> s.kind() == SnapshotKind.EXTERNAL)) {
            throw refusals.refuse(c, action, t, 409, vm + " has external snapshots; merge them first");
        }
        List<String> internal = snaps.stream().map(SnapshotInfo::name).toList();
        if (!internal.isEmpty() && !confirmLoss) {
            throw refusals.refuse(c, action, t, 409, "disk " + target + " carries internal snapshots (" + String.join(", ", internal)
                    + ") which the conversion loses; confirm with confirmLoss: true (form: tick \"lose snapshots\")");
        }
        String users = gateway.filesOfOtherDomains(host, vm).get(disk.file());
        if (users != null) {
            throw refusals.refuse(c, action, t, 409, disk.file() + " is also used by VM " + users);
        }
        return jobs.enqueue(c, new JobRequest(JobKind.DISK_CONVERT, host, vm, target,
                new DiskConvertPayload(format, confirmLoss), disk.format() + " → " + format
                        + (internal.isEmpty() ? "" : ", dropping internal snapshots " + String.join(", ", internal))));
    }

    /** Why this disk cannot be converted now, or null. */
    static String convertProblem(DomainSummary d, DiskInfo disk, String format) {
        if (d.state() != DomainState.SHUT_OFF) {
            return d.name() + " is " + d.state().label() + "; shut it down to convert a disk";
        }
        if (disk.file() == null || !"disk".equals(disk.device())) {
            return disk.target() + " is not a file-backed disk";
        }
        if (format.equals(disk.format())) {
            return disk.target() + " is already " + format;
        }
        if (disk.chain().size() > 1) {
            return disk.target() + " stacks on " + disk.chain().get(1).file() + "; flatten it first";
        }
        return null;
    }

    public Job check(Caller c, String host, String vm, String target) {
        String action = JobKind.DISK_CHECK.action;
        access.forChange(c, host, vm, action);
        String t = host + "/" + vm + "/" + target;
        refusals.requireName(c, action, t, "disk target", target);
        DiskInfo disk = gateway.describe(host, vm).disks().stream().filter(d -> target.equals(d.target())).findFirst()
                .orElseThrow(() -> refusals.refuse(c, action, t, 404, vm + " has no disk " + target));
        if (disk.file() == null || !"disk".equals(disk.device())) {
            throw refusals.refuse(c, action, t, 409, target + " is not a file-backed disk; there is no image to check");
        }
        return jobs.enqueue(c, new JobRequest(JobKind.DISK_CHECK, host, vm, target, new JobPayload.None(), "qemu-img check of the chain"));
    }
}
