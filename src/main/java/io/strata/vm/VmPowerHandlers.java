package io.strata.vm;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.PowerMode;

/**
 * Job handlers of the VM lifecycle. Each asks libvirt, then reads the domain's state back and
 * says what it found; a state other than the one asked for fails the job. An interrupted job is
 * reconciled by reading the state: nothing is re-sent to the guest.
 */
public final class VmPowerHandlers {

    private VmPowerHandlers() {
    }


    abstract static class PowerHandler implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        GracefulShutdown graceful;

        DomainState state(JobContext ctx) {
            return gateway.state(ctx.host(), ctx.vm());
        }

        DomainState require(JobContext ctx, DomainState wanted, String what) throws InterruptedException {
            DomainState s = graceful.await(ctx, wanted, 5_000, true);
            if (s != wanted) {
                throw new JobFailure(what + ": libvirt reports " + ctx.vm() + " " + s.label() + ", not " + wanted.label());
            }
            return s;
        }

        @Override
        public String reconcile(JobContext ctx) {
            return ctx.vm() + " is " + state(ctx).label() + " now; nothing was sent to the guest again";
        }
    }

    @ApplicationScoped
    public static class Shutdown extends PowerHandler {

        @Override
        public JobKind kind() {
            return JobKind.VM_SHUTDOWN;
        }

        @Override
        public Class<VmPowerPayloads.Shutdown> payloadType() {
            return VmPowerPayloads.Shutdown.class;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            VmPowerPayloads.Shutdown p = ctx.payload(VmPowerPayloads.Shutdown.class);
            return graceful.shutOff(ctx, p.timeoutSeconds(), p.force(), p.mode(), ctx.band(0, 99));
        }
    }

    @ApplicationScoped
    public static class Destroy extends PowerHandler {
        @Override
        public JobKind kind() {
            return JobKind.VM_DESTROY;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            DomainState s = state(ctx);
            if (s == DomainState.SHUT_OFF) {
                return ctx.vm() + " was already shut off";
            }
            ctx.log("forcing off " + ctx.vm() + " (" + s.label() + ")");
            gateway.destroy(ctx.host(), ctx.vm());
            require(ctx, DomainState.SHUT_OFF, "force off");
            return ctx.vm() + " forced off; libvirt reports it shut off";
        }
    }

    @ApplicationScoped
    public static class Reboot extends PowerHandler {
        @Override
        public JobKind kind() {
            return JobKind.VM_REBOOT;
        }

        @Override
        public Class<VmPowerPayloads.Reboot> payloadType() {
            return VmPowerPayloads.Reboot.class;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            PowerMode mode = ctx.payload(VmPowerPayloads.Reboot.class).mode();
            DomainState s = state(ctx);
            if (s != DomainState.RUNNING && s != DomainState.BLOCKED) {
                throw new JobFailure(ctx.vm() + " is " + s.label() + "; only a running VM can be rebooted");
            }
            ctx.log("asking " + ctx.vm() + " to reboot by " + mode.label());
            gateway.reboot(ctx.host(), ctx.vm(), mode);
            // The guest restarts inside the same QEMU process: the domain stays active throughout.
            Thread.sleep(1000);
            require(ctx, DomainState.RUNNING, "reboot");
            return ctx.vm() + " reboot requested (" + mode.label() + "); libvirt reports it running";
        }
    }

    @ApplicationScoped
    public static class Suspend extends PowerHandler {
        @Override
        public JobKind kind() {
            return JobKind.VM_SUSPEND;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            DomainState s = state(ctx);
            if (s == DomainState.PAUSED) {
                return ctx.vm() + " was already paused";
            }
            gateway.suspend(ctx.host(), ctx.vm());
            require(ctx, DomainState.PAUSED, "pause");
            return ctx.vm() + " paused; libvirt reports it paused";
        }
    }

    @ApplicationScoped
    public static class Resume extends PowerHandler {
        @Override
        public JobKind kind() {
            return JobKind.VM_RESUME;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            DomainState s = state(ctx);
            if (s == DomainState.RUNNING) {
                return ctx.vm() + " was already running";
            }
            gateway.resume(ctx.host(), ctx.vm());
            require(ctx, DomainState.RUNNING, "resume");
            return ctx.vm() + " resumed; libvirt reports it running";
        }
    }
}
