package io.strata.libvirt;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.libvirt.DomainBlockJobInfo;

import io.strata.kernel.Cancelled;

/**
 * Block jobs on a running domain's disks: start a commit, read its progress, wait for it, pivot
 * or abort it. libvirt-java has no events wired here, so waiting is polling. Every read here waits
 * out a libvirtd restart: QEMU carries on with the block job meanwhile, and libvirtd finds it again.
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
     * domain, limited to {@code bandwidthMiB} MiB/s when above 0. When libvirtd goes away during
     * the call, whether the commit started is read back once it answers again.
     */
    public void commit(String host, String vm, String target, String base, String top, long bandwidthMiB) {
        int flags = top == null ? BLOCK_COMMIT_ACTIVE : 0;
        try {
            libvirt.changeDomain(host, vm, "starting block commit on " + vm + " " + target, dom -> {
                dom.blockCommit(target, base, top, Math.max(0, bandwidthMiB), flags);
                return null;
            });
        } catch (LibvirtFailure e) {
            if (e.kind() != LibvirtFailure.Kind.HOST_UNAVAILABLE || current(host, vm, target) == null) {
                throw e;
            }
            // libvirtd started it before it went away: carry on watching it
        }
    }

    /** The disk's block job, or null when it has none (any more); waits out a libvirtd restart. */
    public BlockJob current(String host, String vm, String target) {
        return libvirt.readDomainWaiting(host, vm, "reading block job of " + vm + " " + target, dom -> {
            DomainBlockJobInfo info = dom.getBlockJobInfo(target, 0);
            return info.type == 0 ? null : new BlockJob(target, info.type, info.cur, info.end);
        });
    }

    /** The disk's image chain as the running domain uses it now (top first), from its live XML. */
    public List<String> liveChain(String host, String vm, String target) {
        String xml = libvirt.readDomainWaiting(host, vm, "reading XML of " + vm, dom -> dom.getXMLDesc(0));
        return DomainXml.chain(Xml.parse(xml), target);
    }

    /**
     * Ends an active commit by switching the domain to the commit's base, so that {@code leaving}
     * (the active layer) leaves the disk's chain. Safe to call again: when the job is already gone
     * (a pivot sent before libvirtd restarted), the live XML says whether it switched.
     */
    public void pivot(String host, String vm, String target, String leaving) {
        end(host, vm, target, true);
        awaitGone(host, vm, target);
        if (liveChain(host, vm, target).contains(leaving)) {
            throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, target + ": the pivot did not happen; the VM still"
                    + " uses " + leaving + " (its live XML says so)");
        }
    }

    /** Ends the disk's block job, if it has one, without pivot: the domain keeps the chain it had. */
    public boolean abortIfAny(String host, String vm, String target) {
        if (current(host, vm, target) == null) {
            return false;
        }
        end(host, vm, target, false);
        awaitGone(host, vm, target);
        return true;
    }

    /**
     * Aborts (without pivot) every block job on a running domain's disks, waiting until each is
     * gone, and says which: for a reconcile, where only the vanished job can have started one.
     * Waits out a libvirtd restart. Empty when the domain is not running or has none.
     */
    public List<String> abortAll(String host, String vm) {
        String xml = libvirt.readDomainWaiting(host, vm, "reading XML of " + vm,
                dom -> dom.isActive() == 1 ? dom.getXMLDesc(0) : null);
        List<String> aborted = new java.util.ArrayList<>();
        if (xml == null) {
            return aborted;
        }
        for (DomainXml.Disk d : DomainXml.disks(Xml.parse(xml))) {
            if (d.file() != null && abortIfAny(host, vm, d.target())) {
                aborted.add(d.target());
            }
        }
        return aborted;
    }

    /**
     * Sends the pivot or abort; if libvirtd goes away meanwhile, it is sent again once libvirtd
     * answers and the job is still there (libvirt may or may not have passed it on to QEMU).
     */
    private void end(String host, String vm, String target, boolean pivot) {
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0 && current(host, vm, target) == null) {
                return;
            }
            try {
                libvirt.changeDomain(host, vm, (pivot ? "pivoting " : "aborting block job on ") + vm + " " + target,
                        dom -> {
                            dom.blockJobAbort(target, pivot ? BLOCK_JOB_ABORT_PIVOT : 0);
                            return null;
                        });
                return;
            } catch (LibvirtFailure e) {
                if (e.kind() != LibvirtFailure.Kind.HOST_UNAVAILABLE || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Polls the disks' block jobs until all are done (or, for active commits, ready to pivot),
     * giving their mean fraction done to {@code progress}. {@code leavingByTarget} names, per
     * disk, the file the commit takes out of the chain: when a job is gone before anyone ended it
     * (it finished, or failed, while libvirtd was away), the live XML says which of the two.
     * When {@code cancelRequested} turns true they are aborted without pivot and {@link
     * Cancelled} is thrown: the VM reads as before.
     */
    public void await(String host, String vm, Map<String, String> leavingByTarget, boolean active,
            DoubleConsumer progress, BooleanSupplier cancelRequested) {
        List<String> targets = List.copyOf(leavingByTarget.keySet());
        long lastCancelCheck = 0;
        while (true) {
            double sum = 0;
            int ready = 0;
            for (String t : targets) {
                BlockJob job = current(host, vm, t);
                if (job == null) {
                    requireSwitched(host, vm, t, leavingByTarget.get(t));
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
                        abortIfAny(host, vm, t);
                    }
                    throw new Cancelled();
                }
            }
            sleep();
        }
    }

    /**
     * A commit's block job is gone: it finished (its file left the chain) or it failed. libvirt
     * updates the XML as it handles the job's end, so a file still in the chain is looked at
     * again for a moment before it counts as a failure.
     */
    private void requireSwitched(String host, String vm, String target, String leaving) {
        for (int i = 0; i < 10; i++) {
            if (!liveChain(host, vm, target).contains(leaving)) {
                return;
            }
            sleep(200);
        }
        throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, target + ": the block commit ended without merging"
                + " (libvirt did not say why); the VM still uses " + leaving + ", so it reads as before");
    }

    /** Waits (up to about 12 s, plus a libvirtd restart) until the disk has no block job: an abort or pivot takes a moment. */
    public void awaitGone(String host, String vm, String target) {
        for (int i = 0; i < 600 && current(host, vm, target) != null; i++) {
            sleep();
        }
    }

    private static void sleep() {
        sleep(POLL_MS);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, "interrupted");
        }
    }
}
