package io.strata.libvirt;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.libvirt.DomainBlockJobInfo;

import io.strata.kernel.Cancelled;

/**
 * Block jobs on a running domain's disks: start a commit, read its progress, wait for it, pivot
 * or abort it. libvirt-java has no events wired here, so waiting is polling.
 */
@ApplicationScoped
public class BlockJobs {

    /** How often a block job's progress is read: libvirt answers in ~2 ms, and ready-to-pivot is noticed sooner. */
    private static final long POLL_MS = 20;
    /** A cancel request costs a database read, so it is looked at less often than the job. */
    private static final long CANCEL_CHECK_MS = 250;

    static final int BLOCK_COMMIT_ACTIVE = 4;
    static final int BLOCK_JOB_ABORT_PIVOT = 2;

    @Inject
    LibvirtConnections libvirt;

    /**
     * Starts a block commit of {@code top} (null: the active layer) into {@code base} on a running
     * domain, limited to {@code bandwidthMiB} MiB/s when above 0.
     */
    public void commit(String host, String vm, String target, String base, String top, long bandwidthMiB) {
        int flags = top == null ? BLOCK_COMMIT_ACTIVE : 0;
        libvirt.changeDomain(host, vm, "starting block commit on " + vm + " " + target, dom -> {
            dom.blockCommit(target, base, top, Math.max(0, bandwidthMiB), flags);
            return null;
        });
    }

    /** The disk's block job, or null when it has none (any more). */
    public BlockJob current(String host, String vm, String target) {
        return libvirt.readDomain(host, vm, "reading block job of " + vm + " " + target, dom -> {
            DomainBlockJobInfo info = dom.getBlockJobInfo(target, 0);
            return info.type == 0 ? null : new BlockJob(target, info.type, info.cur, info.end);
        });
    }

    /** Ends an active commit by switching the domain to the commit's base. */
    public void pivot(String host, String vm, String target) {
        end(host, vm, target, true);
    }

    /** Ends the disk's block job, if it has one, without pivot: the domain keeps the chain it had. */
    public boolean abortIfAny(String host, String vm, String target) {
        if (current(host, vm, target) == null) {
            return false;
        }
        end(host, vm, target, false);
        return true;
    }

    private void end(String host, String vm, String target, boolean pivot) {
        libvirt.changeDomain(host, vm, (pivot ? "pivoting " : "aborting block job on ") + vm + " " + target, dom -> {
            dom.blockJobAbort(target, pivot ? BLOCK_JOB_ABORT_PIVOT : 0);
            return null;
        });
    }

    /**
     * Polls the disks' block jobs until all are done (or, for active commits, ready to pivot),
     * giving their mean fraction done to {@code progress}. When {@code cancelRequested} turns
     * true they are aborted without pivot and {@link Cancelled} is thrown: the VM reads as before.
     */
    public void await(String host, String vm, List<String> targets, boolean active, DoubleConsumer progress,
            BooleanSupplier cancelRequested) {
        long lastCancelCheck = 0;
        while (true) {
            double sum = 0;
            int ready = 0;
            for (String t : targets) {
                BlockJob job = current(host, vm, t);
                if (job == null) {
                    if (active) {
                        throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, t + ": the block commit ended before it"
                                + " was ready to pivot; libvirt did not say why. The VM still uses its overlay");
                    }
                    ready++;
                    sum += 1;
                } else {
                    sum += job.fraction();
                    if (active && job.readyToPivot()) {
                        ready++;
                    }
                }
            }
            progress.accept(sum / targets.size());
            if (ready == targets.size()) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now - lastCancelCheck > CANCEL_CHECK_MS) {
                lastCancelCheck = now;
                if (cancelRequested.getAsBoolean()) {
                    for (String t : targets) {
                        if (abortIfAny(host, vm, t)) {
                            awaitGone(host, vm, t);
                        }
                    }
                    throw new Cancelled();
                }
            }
            sleep();
        }
    }

    /** Waits (up to about 12 s) until the disk has no block job: an abort or pivot takes a moment. */
    public void awaitGone(String host, String vm, String target) {
        for (int i = 0; i < 600 && current(host, vm, target) != null; i++) {
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, "interrupted");
        }
    }
}
