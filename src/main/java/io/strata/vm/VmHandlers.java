package io.strata.vm;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.StrataMetadata;

/** Job handlers for VM-level work: inventory refresh and owner assignment. */
public final class VmHandlers {

    private VmHandlers() {
    }

    @ApplicationScoped
    public static class Sync implements JobHandler {
        @Inject
        InventorySync sync;

        @Override
        public JobKind kind() {
            return JobKind.INVENTORY_SYNC;
        }

        @Override
        public String run(JobContext ctx) {
            if (ctx.vm() != null) {
                Vm vm = sync.syncVm(ctx.host(), ctx.vm());
                return vm == null ? "VM " + ctx.vm() + " no longer exists; removed from the inventory"
                        : "VM " + ctx.vm() + " refreshed (" + vm.state + ")";
            }
            return sync.syncHost(ctx.host()) + " VMs on " + ctx.host() + " refreshed";
        }
    }

    @ApplicationScoped
    public static class AssignOwner implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        @Override
        public JobKind kind() {
            return JobKind.VM_ASSIGN_OWNER;
        }

        @Override
        public Class<AssignOwnerPayload> payloadType() {
            return AssignOwnerPayload.class;
        }

        @Override
        public String run(JobContext ctx) {
            boolean template = gateway.describe(ctx.host(), ctx.vm()).template();
            String owner = ctx.payload(AssignOwnerPayload.class).owner();
            gateway.setMetadata(ctx.host(), ctx.vm(), new StrataMetadata(owner, template));
            return "owner of " + ctx.vm() + " is now " + owner;
        }
    }

    @ApplicationScoped
    public static class Start implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        @Override
        public JobKind kind() {
            return JobKind.VM_START;
        }

        @Override
        public String run(JobContext ctx) {
            gateway.start(ctx.host(), ctx.vm());
            return ctx.vm() + " started";
        }
    }
}
