package io.strata.image;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.auth.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobService;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.LibvirtGateway;
import io.strata.vm.VmAccess;
import io.strata.web.Refusals;

/** A VM's disks and their image chains, read live, and the disk-check job. */
@ApplicationScoped
public class DiskService {

    @Inject
    VmAccess access;
    @Inject
    LibvirtGateway gateway;
    @Inject
    JobService jobs;
    @Inject
    Refusals refusals;

    /** Each disk with its backing chain, top first, as qemu-img reads it now. */
    public List<DiskInfo> disks(Caller c, String host, String vm) {
        access.forReading(c, host, vm, "disk.list");
        return gateway.describe(host, vm).disks();
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
        return jobs.enqueue(c, new JobRequest(JobKind.DISK_CHECK, host, vm, target, Map.of(), "qemu-img check of the chain"));
    }
}
