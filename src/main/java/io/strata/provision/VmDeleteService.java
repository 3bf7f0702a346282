package io.strata.provision;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.Refusals;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobQueue;
import io.strata.job.JobRequest;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.template.Template;
import io.strata.vm.VmAccess;

/**
 * Delete requests: refused while the VM runs (unless forced off), and while anything else (another
 * VM, a template, another VM's snapshot) uses a file the VM names. The job checks again before it
 * removes anything.
 */
@ApplicationScoped
public class VmDeleteService {

    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    VmFiles vmFiles;

    public Job delete(Caller c, String host, String vmName, String disksValue, String forceValue) {
        String action = JobKind.VM_DELETE.action;
        String target = host + "/" + vmName;
        refusals.requireName(c, action, target, "VM name", vmName);
        boolean disks = flag(c, action, target, "disks", disksValue);
        boolean force = flag(c, action, target, "force", forceValue);
        if (QuarkusTransaction.requiringNew().call(() -> Template.find(host, vmName).isPresent())) {
            throw refusals.refuse(c, action, target, 409, vmName + " is a sealed template; delete it as a template"
                    + " (DELETE /api/templates/" + vmName + "?host=" + host + ")");
        }
        access.forChange(c, host, vmName, action);
        DomainState s = gateway.state(host, vmName);
        if (s.isActive() && !force) {
            throw refusals.refuse(c, action, target, 409, vmName + " is " + s.label()
                    + "; shut it down first, or delete with force=true to force it off");
        }
        VmFiles.Owned owned = vmFiles.of(host, vmName);
        if (!owned.problems().isEmpty()) {
            throw refusals.refuse(c, action, target, 409, String.join("; ", owned.problems()));
        }
        List<String> used = VmFiles.conflicts(owned, vmFiles.usedByOthers(host, vmName));
        if (!used.isEmpty()) {
            throw refusals.refuse(c, action, target, 409, vmName + "'s files are in use elsewhere: " + String.join(", ", used)
                    + "; delete or flatten those first");
        }
        List<String> unknown = vmFiles.unreadableOthers(host, vmName);
        if (!unknown.isEmpty()) {
            throw refusals.refuse(c, action, target, 409, String.join("; ", unknown)
                    + "; what it uses is unknown, so no file may be removed until it can be read");
        }
        return jobs.enqueue(c, new JobRequest(JobKind.VM_DELETE, host, vmName, null, new VmDeletePayload(disks, force),
                (disks ? "with the image files only it uses" : "keeping its disk images") + (s.isActive()
                        ? ", forced off first (was " + s.label() + ")" : "")));
    }

    /** "true" or "false" (absent: false); anything else is a bad request. */
    private boolean flag(Caller c, String action, String target, String name, String v) {
        if (v == null || v.isBlank() || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw refusals.refuse(c, action, target, 400, name + " must be true or false, not \"" + InputRules.printable(v) + "\"");
    }
}
