package io.strata.provision;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.Refusals;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobQueue;
import io.strata.job.JobRequest;
import io.strata.kernel.Caller;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.template.ProvisionHostnames;
import io.strata.template.SealChecks;
import io.strata.template.Template;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.kernel.InputRules;

/**
 * Clone requests for any VM the caller may change: the source shut off or paused (a running guest
 * would be copied mid-write), the new name free, within the caller's quota. One job each.
 */
@ApplicationScoped
public class VmCloneService {

    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    ProvisionService provisioning;

    /** A clone request (API body and form); null fields take their defaults. */
    @Schema(name = "CloneRequest")
    public record Request(String name, Boolean start, String hostname, String sshKey, Boolean reset) {
    }

    public Job clone(Caller c, String host, String source, Request r) {
        String action = JobKind.VM_CLONE.action;
        String target = host + "/" + source;
        refusals.requireName(c, action, target, "VM name", source);
        if (QuarkusTransaction.requiringNew().call(() -> Template.find(host, source).isPresent())) {
            throw refusals.refuse(c, action, target, 409, source + " is a sealed template; provision a VM from it instead");
        }
        Vm vm = access.forChange(c, host, source, action);
        if (vm.template) {
            throw refusals.refuse(c, action, target, 409, source + " is marked as a template; provision from it instead");
        }
        Request req = r == null ? new Request(null, null, null, null, null) : r;
        String name = req.name() == null ? null : req.name().strip();
        if (name == null || name.isEmpty()) {
            throw refusals.refuse(c, action, target, 400, "give the new VM's name");
        }
        refusals.requireNewVmName(c, action, host + "/" + name, name);
        String hostname = req.hostname() == null || req.hostname().isBlank() ? null : req.hostname().strip();
        if (hostname != null && !ProvisionHostnames.valid(hostname)) {
            throw refusals.refuse(c, action, target, 400, "not a valid hostname: \"" + InputRules.printable(hostname) + "\"");
        }
        String sshKey = req.sshKey() == null || req.sshKey().isBlank() ? null : req.sshKey().strip();
        if (sshKey != null && !SealChecks.isSshKey(sshKey)) {
            throw refusals.refuse(c, action, target, 400, "sshKey is not an OpenSSH public key on one line");
        }
        if (provisioning.nameTaken(host, name)) {
            throw refusals.refuse(c, action, target, 409, "name already taken on " + host + ": " + name);
        }
        DomainSummary d = gateway.describe(host, source);
        if (d.state() != DomainState.SHUT_OFF && d.state() != DomainState.PAUSED) {
            throw refusals.refuse(c, action, target, 409, source + " is " + d.state().label()
                    + "; shut it down or pause it to clone it");
        }
        List<DiskInfo> disks = VmCloneHandler.copied(d);
        String problem = diskProblem(d, disks);
        if (problem != null) {
            throw refusals.refuse(c, action, target, 409, problem);
        }
        long bytes = disks.stream().mapToLong(x -> x.chain().get(0).virtualSize()).sum();
        provisioning.checkQuota(c, action, target, 1, bytes);
        boolean reset = Boolean.TRUE.equals(req.reset());
        boolean start = Boolean.TRUE.equals(req.start());
        return jobs.enqueue(c, new JobRequest(JobKind.VM_CLONE, host, source, name,
                new VmClonePayload(name, hostname, sshKey, reset, start),
                "clone " + source + " (" + d.state().label() + ") as " + name + (reset ? ", reset machine identity" : "")
                        + (start ? ", start it" : "")), () -> provisioning.checkQuota(c, action, target, 1, bytes));
    }

    /** Why the VM's disks cannot be copied (not files, unreadable, a format Strata does not copy), or null. */
    static String diskProblem(DomainSummary d, List<DiskInfo> copied) {
        for (DiskInfo x : d.disks()) {
            if ("disk".equals(x.device()) && x.file() == null) {
                return "disk " + x.target() + " of " + d.name() + " is not a file; Strata clones file-backed disks only";
            }
        }
        for (DiskInfo x : copied) {
            if (x.chainError() != null || x.chain().isEmpty()) {
                return "disk " + x.target() + " (" + x.file() + ") cannot be read: " + x.chainError();
            }
            if (!"qcow2".equals(x.format()) && !"raw".equals(x.format())) {
                return "disk " + x.target() + " is " + x.format() + "; only qcow2 and raw disks are cloned";
            }
        }
        return null;
    }
}
