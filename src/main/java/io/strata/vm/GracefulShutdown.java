package io.strata.vm;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.PowerMode;

/**
 * Asks a guest to shut down and waits until libvirt reports it shut off: at the timeout the job
 * fails (the VM left as it is), or the VM is forced off when {@code force}. Shared by the
 * shutdown job and the jobs that need a VM off first (a revert of a running VM).
 */
@ApplicationScoped
public class GracefulShutdown {

    /** How often a waiting job reads the domain's state. */
    static final long POLL_MILLIS = 250;

    @Inject
    LibvirtGateway gateway;

    /** Returns what happened, for the job's result; throws {@link JobFailure} at the timeout without force. */
    public String shutOff(JobContext ctx, int timeoutSeconds, boolean force, PowerMode mode, JobContext.Band band)
            throws InterruptedException {
        String vm = ctx.vm();
        DomainState s = state(ctx);
        if (s == DomainState.SHUT_OFF) {
            return vm + " was already shut off";
        }
        ctx.log("asking " + vm + " (" + s.label() + ") to shut down by " + mode.label()
                + "; waiting up to " + timeoutSeconds + " s");
        long t0 = System.currentTimeMillis();
        // libvirt's agent shutdown blocks until the guest is gone or 60 s passed (then, by default,
        // falls back to ACPI): ask on a thread of its own so the timeout is the user's.
        CompletableFuture<Void> request = new CompletableFuture<>();
        Thread asker = new Thread(() -> {
            try {
                gateway.shutdown(ctx.host(), vm, mode);
                request.complete(null);
            } catch (RuntimeException e) {
                request.completeExceptionally(e);
            }
        }, "vm-shutdown-" + ctx.jobId());
        asker.setDaemon(true);
        asker.start();
        long deadline = t0 + timeoutSeconds * 1000L;
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
                band.progress(Math.min(0.99, (now - t0) / (timeoutSeconds * 1000.0)), "waiting for " + vm
                        + " to shut down (" + (now - t0) / 1000 + " of " + timeoutSeconds + " s)");
                lastProgress = now;
            }
            Thread.sleep(POLL_MILLIS);
        }
        String took = String.format("%.1f s", (System.currentTimeMillis() - t0) / 1000.0);
        if (s == DomainState.SHUT_OFF) {
            return vm + " shut down gracefully in " + took + " (" + mode.label() + "); libvirt reports it shut off";
        }
        String stuck = vm + " did not shut down within " + timeoutSeconds + " s (libvirt reports it "
                + s.label() + "): the guest ignored the request (no ACPI handling, no guest agent, or busy)";
        if (!request.isDone()) {
            stuck += " (libvirt is still waiting for the guest to act on the request)";
        }
        if (!force) {
            throw new JobFailure(stuck + "; it is still " + s.label()
                    + ". Ask again with force to power it off, or force it off.");
        }
        ctx.log(stuck + "; forcing it off");
        gateway.destroy(ctx.host(), vm);
        requireShutOff(ctx, "force off after the timeout");
        return vm + " did not shut down within " + timeoutSeconds + " s and was forced off; libvirt reports it shut off";
    }

    /**
     * Waits up to {@code millis} for libvirt to report the domain {@code wanted}, reading its state
     * every {@link #POLL_MILLIS}; returns the last state read. {@code cancellable}: a cancel request
     * stops the wait (not after a force off, which must be seen through).
     */
    public DomainState await(JobContext ctx, DomainState wanted, long millis, boolean cancellable)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        DomainState s = state(ctx);
        while (s != wanted && System.currentTimeMillis() < deadline) {
            if (cancellable) {
                ctx.checkCancelled();
            }
            Thread.sleep(POLL_MILLIS);
            s = state(ctx);
        }
        return s;
    }

    /** Waits briefly for libvirt to report the domain shut off after a force off. */
    void requireShutOff(JobContext ctx, String what) throws InterruptedException {
        DomainState s = await(ctx, DomainState.SHUT_OFF, 5_000, false);
        if (s != DomainState.SHUT_OFF) {
            throw new JobFailure(what + ": libvirt reports " + ctx.vm() + " " + s.label() + ", not shut off");
        }
    }

    private DomainState state(JobContext ctx) {
        return gateway.state(ctx.host(), ctx.vm());
    }
}
