package io.strata.vm;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.auth.AppUser;
import io.strata.kernel.Caller;
import io.strata.kernel.Roles;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobQueue;
import io.strata.libvirt.LibvirtGateway;
import io.strata.audit.Refusals;
import io.strata.job.JobPayload;
import io.strata.libvirt.DomainState;

/** VM-level requests shared by the API and the pages: refresh from libvirt, assign an owner. */
@ApplicationScoped
public class VmService {

    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    SealedTemplates sealed;

    public Job syncVm(Caller c, String host, String vm) {
        // A sync job takes the VM's one active-job slot: only those who may change the VM may ask.
        access.forChange(c, host, vm, JobKind.INVENTORY_SYNC.action);
        return jobs.enqueue(c, new JobRequest(JobKind.INVENTORY_SYNC, host, vm, null, new JobPayload.None(), "refresh one VM"));
    }

    public Job syncHost(Caller c, String host) {
        String action = JobKind.INVENTORY_SYNC.action;
        if (!c.actsOnAllVms()) {
            throw refusals.refuse(c, action, host, 403, "refreshing a whole host needs the operator or admin role");
        }
        access.requireHost(c, host, action, host);
        return jobs.enqueue(c, new JobRequest(JobKind.INVENTORY_SYNC, host, null, null, new JobPayload.None(), "refresh the host"));
    }

    /** Starts a shut-off VM. A sealed template answers 409: it is never booted again. */
    public Job start(Caller c, String host, String vmName) {
        String action = JobKind.VM_START.action;
        String target = host + "/" + vmName;
        refusals.requireName(c, action, target, "VM name", vmName);
        if (sealed.isSealed(host, vmName)) {
            throw refusals.refuse(c, action, target, 409, vmName + " is a sealed template and cannot be started;"
                    + " provision a VM from it instead");
        }
        Vm vm = access.forChange(c, host, vmName, action);
        if (vm.template) {
            throw refusals.refuse(c, action, target, 409, vmName + " is marked as a template and cannot be started");
        }
        DomainState state = gateway.state(host, vmName);
        if (state != DomainState.SHUT_OFF) {
            throw refusals.refuse(c, action, target, 409, vmName + " is " + state.label() + ", not shut off")
                    .withKey("vm_not_shut_off", vmName, state.label());
        }
        return jobs.enqueue(c, new JobRequest(JobKind.VM_START, host, vmName, null, new JobPayload.None(), null));
    }

    public Job assignOwner(Caller c, String host, String vmName, String owner) {
        String action = JobKind.VM_ASSIGN_OWNER.action;
        access.forReading(c, host, vmName, action);
        String target = host + "/" + vmName;
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, action, target, 403, "only an admin can assign owners");
        }
        refusals.requireName(c, action, target, "owner", owner);
        boolean exists = QuarkusTransaction.requiringNew().call(() -> AppUser.findByUsername(owner).isPresent());
        if (!exists) {
            throw refusals.refuse(c, action, target, 400, "no user named " + owner);
        }
        return jobs.enqueue(c, new JobRequest(JobKind.VM_ASSIGN_OWNER, host, vmName, null, new AssignOwnerPayload(owner),
                "owner := " + owner));
    }
}
