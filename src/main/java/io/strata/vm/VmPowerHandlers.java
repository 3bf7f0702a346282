package io.strata.vm;

import java.util.concurrent.CompletableFuture;

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

    /** How often a waiting job reads the domain's state. */
    static final long POLL_MILLIS = 250;

    abstract static class PowerHandler implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        DomainState state(JobContext ctx) {
            return gateway.state(ctx.host(), ctx.vm());
        }

        /** Waits up to {@code millis} for the state; returns the last one read. */
        DomainState await(JobContext ctx, DomainState wanted, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            DomainState s = state(ctx);
            while (s != wanted && System.currentTimeMillis() < deadline) {
                ctx.checkCancelled();
                Thread.sleep(POLL_MILLIS);
                s = state(ctx);
            }
            return s;
        }

        DomainState require(JobContext ctx, DomainState wanted, String what) throws InterruptedException {
            DomainState s = await(ctx, wanted, 5_000);
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
            String vm = ctx.vm();
            DomainState s = state(ctx);
            if (s == DomainState.SHUT_OFF) {
                return vm + " was already shut off";
            }
            ctx.log("asking " + vm + " (" + s.label() + ") to shut down by " + p.mode().label()
                    + "; waiting up to " + p.timeoutSeconds() + " s");
            long t0 = System.currentTimeMillis();
            // libvirt's agent shutdown blocks until the guest is gone or 60 s passed (then, by default,
            // falls back to ACPI): ask on a thread of its own so the timeout is the user's.
            CompletableFuture<Void> request = new CompletableFuture<>();
            Thread asker = new Thread(() -> {
                try {
                    gateway.shutdown(ctx.host(), vm, p.mode());
                    request.complete(null);
                } catch (RuntimeException e) {
                    request.completeExceptionally(e);
                }
            }, "vm-shutdown-" + ctx.jobId());
            asker.setDaemon(true);
            asker.start();
            long deadline = t0 + p.timeoutSeconds() * 1000L;
            long lastProgress = 0;
            while ((s = state(ctx)) != DomainState.SHUT_OFF && System.currentTimeMillis() < deadline) {
                ctx.checkCancelled();
                if (request.isCompletedExceptionally()) {
                    s = state(ctx);
                    if (s == DomainState.SHUT_OFF) {
                        break;
                    }
                    Throwable why = request.handle((v, e) -> e).join();
                    throw new JobFailure(vm + " could not be asked to shut down: " + why.getMessage(), why);
                }
                long now = System.currentTimeMillis();
                if (now - lastProgress >= 1000) {
                    int pct = (int) Math.min(99, (now - t0) * 100 / (p.timeoutSeconds() * 1000L));
                    ctx.progress(pct, "waiting for " + vm + " to shut down (" + (now - t0) / 1000 + " of "
                            + p.timeoutSeconds() + " s)");
                    lastProgress = now;
                }
                Thread.sleep(POLL_MILLIS);
            }
            String took = String.format("%.1f s", (System.currentTimeMillis() - t0) / 1000.0);
            if (s == DomainState.SHUT_OFF) {
                return vm + " shut down gracefully in " + took + " (" + p.mode().label() + "); libvirt reports it shut off";
            }
            String stuck = vm + " did not shut down within " + p.timeoutSeconds() + " s (libvirt reports it "
                    + s.label() + "): the guest ignored the request (no ACPI handling, no guest agent, or busy)";
            if (!request.isDone()) {
                stuck += " (libvirt is still waiting for the guest to act on the request)";
            }
            if (!p.force()) {
                throw new JobFailure(stuck + "; it is still " + s.label()
                        + ". Ask again with force to power it off, or force it off.");
            }
            ctx.log(stuck + "; forcing it off");
            gateway.destroy(ctx.host(), vm);
            require(ctx, DomainState.SHUT_OFF, "force off after the timeout");
            return vm + " did not shut down within " + p.timeoutSeconds() + " s and was forced off; libvirt reports it shut off";
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
