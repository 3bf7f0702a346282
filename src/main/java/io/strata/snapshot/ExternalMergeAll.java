package io.strata.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.QemuImg;
import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.kernel.Cancelled;
import io.strata.libvirt.BlockJobs;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotInfo;

/**
 * Merging a VM's whole external chain into its base images, then clearing its snapshot list:
 * one active commit with pivot per disk while it runs, qemu-img commit while it is shut off.
 */
@ApplicationScoped
public class ExternalMergeAll {

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    BlockJobs blockJobs;
    @Inject
    QemuImg qemuImg;
    @Inject
    ChainFiles chainFiles;

    /** Per disk: the base the whole chain goes into, the file the VM writes to, and the files above the base. */
    record ChainMerge(String target, String base, String top, List<String> above) {
    }

    /**
     * Per disk (by target name), the lowest snapshot image in its current chain is the base; a
     * disk without one, or already writing into it, is left out. Refuses unsafe topologies.
     */
    static List<ChainMerge> plan(ChainLayout l) {
        l.requireNoInternalSnapshots("merging " + l.vm + "'s chain");
        if (l.externalSnapshots().isEmpty()) {
            throw new TopologyRefused(l.vm + " has no external snapshots: there is no chain to merge");
        }
        Set<String> snapshotImages = new LinkedHashSet<>();
        l.externalSnapshots().forEach(s -> s.externalDisks().forEach(d -> snapshotImages.add(d.image())));
        List<ChainMerge> plan = new ArrayList<>();
        for (Map.Entry<String, String> top : new TreeMap<>(l.tops()).entrySet()) {
            List<String> chain = l.chain(top.getKey());
            int baseAt = -1;
            for (int i = 0; i < chain.size(); i++) {
                if (snapshotImages.contains(chain.get(i))) {
                    baseAt = i;
                }
            }
            if (baseAt <= 0) {
                continue; // no snapshot on this disk, or the VM already writes into its base
            }
            List<String> above = chain.subList(0, baseAt);
            List<String> touched = new ArrayList<>(above);
            touched.add(chain.get(baseAt));
            l.requireNotShared(touched, "merging " + l.vm + "'s chain");
            plan.add(new ChainMerge(top.getKey(), chain.get(baseAt), top.getValue(), List.copyOf(above)));
        }
        return plan;
    }

    /** The snapshots whose data lies in a base of the plan: the ones a stopped merge leaves partly merged. */
    static List<String> holdingBases(ChainLayout l, List<ChainMerge> plan) {
        List<String> out = new ArrayList<>();
        for (SnapshotInfo s : l.externalSnapshots()) {
            if (s.externalDisks().stream().anyMatch(d -> plan.stream().anyMatch(p -> p.base().equals(d.image())))) {
                out.add(s.name());
            }
        }
        return out;
    }

    String mergeAll(JobContext ctx) {
        String host = ctx.host();
        String vm = ctx.vm();
        ChainLayout l = chainFiles.layout(ctx);
        List<ChainMerge> plan = plan(l);
        List<String> all = l.externalSnapshots().stream().map(SnapshotInfo::name).toList();
        List<String> rootImages = holdingBases(l, plan);
        long bandwidth = ctx.payload(SnapshotPayloads.Merging.class).bandwidth();
        JobContext.Band merging = ctx.band(5, 85);
        if (l.running()) {
            List<String> targets = plan.stream().map(ChainMerge::target).toList();
            Map<String, String> leaving = new LinkedHashMap<>();
            plan.forEach(m -> leaving.put(m.target(), m.top()));
            try {
                for (ChainMerge m : plan) {
                    ctx.log(m.target() + ": active commit of " + String.join(" ← ", m.above()) + " into " + m.base());
                    blockJobs.commit(host, vm, m.target(), m.base(), null, bandwidth);
                }
                blockJobs.await(host, vm, leaving, true, merging.percent("block commit"), ctx::cancelRequested);
            } catch (Cancelled | JobCancelled e) {
                throw cancelled(ctx, rootImages);
            } catch (RuntimeException e) {
                for (String t : targets) {
                    blockJobs.abortIfAny(host, vm, t);
                }
                SnapshotMark.markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) failed: " + e.getMessage());
                throw e;
            }
            for (ChainMerge m : plan) {
                blockJobs.pivot(host, vm, m.target(), m.top());
                ctx.log(m.target() + ": pivoted to " + m.base());
            }
        } else {
            int i = 0;
            try {
                for (ChainMerge m : plan) {
                    ctx.checkCancelled();
                    ctx.log(m.target() + ": qemu-img commit of " + String.join(" ← ", m.above()) + " into " + m.base());
                    qemuImg.commit(m.top(), m.base(), bandwidth, merging.part(i, plan.size()).percent(m.target()
                            + ": committing"), ctx::cancelRequested);
                    i++;
                }
            } catch (Cancelled | JobCancelled e) {
                throw cancelled(ctx, rootImages);
            } catch (RuntimeException e) {
                SnapshotMark.markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) failed: " + e.getMessage());
                throw e;
            }
            Map<String, String[]> repoint = new LinkedHashMap<>();
            plan.forEach(m -> repoint.put(m.target(), new String[] { m.base(), l.formatOf(m.base()) }));
            gateway.repointDisks(host, vm, repoint);
            plan.forEach(m -> ctx.log(m.target() + ": VM now uses " + m.base()));
        }
        ctx.progress(90, "clearing the snapshot list");
        List<SnapshotInfo> newestFirst = new ArrayList<>(l.externalSnapshots());
        newestFirst.sort(Comparator.comparing(SnapshotInfo::createdAt).reversed());
        for (SnapshotInfo s : newestFirst) {
            domainSnapshots.deleteSnapshotMetadata(host, vm, s.name());
        }
        SnapshotMark.clearAll(host, vm);
        Set<String> candidates = new LinkedHashSet<>(l.snapshotFiles());
        plan.forEach(m -> candidates.addAll(m.above()));
        List<String> removed = chainFiles.removeUnreferenced(host, vm, candidates);
        removed.forEach(f -> ctx.log("removed " + f));
        return "merged " + all.size() + " snapshot(s) into " + String.join(", ", plan.stream().map(ChainMerge::base).toList())
                + "; snapshot list cleared" + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed));
    }

    /** A stop before any pivot: the VM reads as before, but the bases took part of the newer data. */
    private static JobCancelled cancelled(JobContext ctx, List<String> rootImages) {
        SnapshotMark.markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) was cancelled during its merge");
        return new JobCancelled("cancelled: the VM's disks read exactly as before; the base images took part"
                + " of the newer data, so " + String.join(", ", rootImages) + " are marked partly merged");
    }
}
