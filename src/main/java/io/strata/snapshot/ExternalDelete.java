package io.strata.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.strata.imagetool.QemuImg;
import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.kernel.Cancelled;
import io.strata.libvirt.BlockJobs;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.Xml;

/**
 * Deleting an external snapshot, as libvirt ≥ 9.9 does: its overlay is committed into its image
 * (a live commit, or an active commit with pivot, while the VM runs; qemu-img offline), the
 * files above re-pointed, the snapshots whose data moved redefined, the metadata removed.
 */
@ApplicationScoped
public class ExternalDelete {

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

    /** One disk's part of deleting a snapshot: commit {@code overlay} into {@code image}. */
    record DiskMerge(String target, String image, String imageFormat, String overlay, List<String> toRebase,
                     boolean live, boolean active) {
    }

    /** What deleting {@code s} will do per disk; refuses unsafe topologies before anything is touched. */
    static List<DiskMerge> plan(ChainLayout l, SnapshotInfo s) {
        l.requireNoInternalSnapshots("deleting " + s.name());
        List<DiskMerge> plan = new ArrayList<>();
        for (SnapshotDisk sd : s.externalDisks()) {
            String image = sd.image();
            String overlay = sd.overlay();
            if (!l.exists(overlay)) {
                continue; // its top layer was discarded by a revert: nothing to merge on this disk
            }
            if (!l.exists(image)) {
                throw new TopologyRefused("snapshot " + s.name() + "'s image " + image + " is missing; cannot merge "
                        + overlay + " into it");
            }
            List<String> onImage = l.dependents(image);
            if (!onImage.equals(List.of(overlay))) {
                List<String> others = new ArrayList<>(onImage);
                others.remove(overlay);
                throw new TopologyRefused("snapshot " + s.name() + " has several children: its image " + image
                        + " is also the base of " + describe(l, others) + ". Merging into it would change what those"
                        + " read; delete the other branch's snapshots first, or revert elsewhere");
            }
            for (SnapshotInfo other : l.externalSnapshots()) {
                if (!other.name().equals(s.name()) && other.externalDisks().stream().anyMatch(d -> image.equals(d.image()))) {
                    throw new TopologyRefused("snapshot " + other.name() + " holds its data in " + image
                            + " too; merging " + s.name() + " into it would change " + other.name());
                }
            }
            List<String> touched = new ArrayList<>(List.of(image, overlay));
            touched.addAll(l.dependents(overlay));
            l.requireNotShared(touched, "deleting snapshot " + s.name());
            boolean live = l.running() && l.chain(sd.target()).contains(overlay);
            boolean active = live && overlay.equals(l.tops().get(sd.target()));
            // A live commit re-points the file above it in the running chain; Strata re-points the rest.
            List<String> toRebase = new ArrayList<>(l.dependents(overlay));
            if (live) {
                toRebase.removeAll(l.chain(sd.target()));
            }
            plan.add(new DiskMerge(sd.target(), image, l.formatOf(image), overlay, toRebase, live, active));
        }
        return plan;
    }

    private static String describe(ChainLayout l, List<String> files) {
        List<String> parts = new ArrayList<>();
        for (String f : files) {
            String what = l.tops().containsValue(f) ? "the VM's current disk"
                    : l.externalSnapshots().stream().filter(x -> x.externalDisks().stream().anyMatch(d -> f.equals(d.image())))
                            .map(x -> "snapshot " + x.name() + "'s data").findFirst().orElse("a file");
            parts.add(f + " (" + what + ")");
        }
        return String.join(", ", parts);
    }

    String delete(JobContext ctx) {
        String host = ctx.host();
        String vm = ctx.vm();
        ChainLayout l = chainFiles.layout(ctx);
        SnapshotInfo s = l.snapshot(ctx.target()).orElseThrow(() -> new JobFailure("snapshot " + ctx.target() + " is gone"));
        List<DiskMerge> plan = plan(l, s);
        mergeData(ctx, plan, l.tops(), List.of(s.name()));
        ctx.progress(90, "updating snapshot metadata");
        // Snapshots whose data sat in the merged overlay now find it in the image it went into.
        for (DiskMerge m : plan) {
            for (SnapshotInfo other : l.externalSnapshots()) {
                if (!other.name().equals(s.name())
                        && other.externalDisks().stream().anyMatch(d -> m.overlay().equals(d.image()))) {
                    moveImage(host, vm, other.name(), m.target(), m.image(), l.formatOf(m.image()));
                    ctx.log("snapshot " + other.name() + ": " + m.target() + " data now in " + m.image());
                }
            }
        }
        domainSnapshots.deleteSnapshotMetadata(host, vm, s.name());
        SnapshotMark.clear(host, vm, s.name());
        List<String> removed = chainFiles.removeUnreferenced(host, vm, l.snapshotFiles());
        removed.forEach(f -> ctx.log("removed " + f + " (merged; nothing references it)"));
        String merged = plan.isEmpty() ? "nothing to merge" : plan.stream()
                .map(m -> m.target() + ": " + m.overlay() + " → " + m.image() + (m.active() ? " (active commit, pivot)" : ""))
                .reduce((a, b) -> a + "; " + b).orElse("");
        return "snapshot " + s.name() + " deleted; " + merged
                + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed));
    }

    /** Rewrites one disk's image path in a snapshot's saved domain (REDEFINE); no file is touched. */
    private void moveImage(String host, String vm, String snapshot, String target, String file, String format) {
        Document xml = Xml.parse(domainSnapshots.snapshotXml(host, vm, snapshot));
        for (Element disk : Xml.elements(xml, "/domainsnapshot/domain/devices/disk")) {
            if (target.equals(Xml.string(disk, "target/@dev"))) {
                Xml.elements(disk, "source").get(0).setAttribute("file", file);
                if (format != null) {
                    Xml.elements(disk, "driver").get(0).setAttribute("type", format);
                }
            }
        }
        domainSnapshots.redefineSnapshot(host, vm, Xml.serialize(xml), false);
    }

    /**
     * The data phase of a merge: every overlay's data goes into its image. Until a disk switches
     * over (pivot, or the end of a live commit), the VM reads exactly as before; a cancel or
     * failure then marks the snapshots whose images took part of the data.
     */
    private void mergeData(JobContext ctx, List<DiskMerge> plan, Map<String, String> tops, List<String> affected) {
        if (plan.isEmpty()) {
            return;
        }
        String host = ctx.host();
        String vm = ctx.vm();
        long bandwidth = ctx.payload(SnapshotPayloads.Merging.class).bandwidth();
        JobContext.Band merging = ctx.band(5, 85);
        boolean switched = false;
        int n = plan.size();
        try {
            for (int i = 0; i < n; i++) {
                DiskMerge m = plan.get(i);
                JobContext.Band disk = merging.part(i, n);
                ctx.checkCancelled();
                ctx.log(m.target() + ": committing " + m.overlay() + " into " + m.image()
                        + (m.live() ? (m.active() ? " (live, active commit)" : " (live block commit)") : " (qemu-img commit)"));
                if (m.live()) {
                    blockJobs.commit(host, vm, m.target(), m.image(), m.active() ? null : m.overlay(), bandwidth);
                    blockJobs.await(host, vm, Map.of(m.target(), m.overlay()), m.active(), disk.percent("block commit"),
                            ctx::cancelRequested);
                    if (m.active()) {
                        blockJobs.pivot(host, vm, m.target(), m.overlay());
                    }
                    switched = true;
                    blockJobs.awaitGone(host, vm, m.target());
                    ctx.log(m.target() + ": " + (m.active() ? "pivoted to " + m.image() : "commit finished"));
                } else {
                    qemuImg.commit(m.overlay(), m.image(), bandwidth, disk.percent(m.target() + ": committing"),
                            ctx::cancelRequested);
                }
            }
            // Offline disks switch here: what was stacked on each overlay now stacks on its image,
            // and a VM that wrote into the overlay itself now writes into the image.
            Map<String, String[]> repoint = new LinkedHashMap<>();
            for (DiskMerge m : plan) {
                for (String dep : m.toRebase()) {
                    qemuImg.rebaseUnsafe(dep, m.image(), m.imageFormat());
                    ctx.log(m.target() + ": " + dep + " now stacks on " + m.image());
                    switched = true;
                }
                if (!m.live() && m.overlay().equals(tops.get(m.target()))) {
                    repoint.put(m.target(), new String[] { m.image(), m.imageFormat() });
                }
            }
            if (!repoint.isEmpty()) {
                gateway.repointDisks(host, vm, repoint);
                repoint.forEach((t, f) -> ctx.log(t + ": VM now uses " + f[0]));
            }
        } catch (Cancelled | JobCancelled e) {
            if (switched) {
                throw new JobFailure("cancel came after a disk had switched over; the merge is partly done", e);
            }
            SnapshotMark.markPartlyMerged(ctx, affected, "job " + ctx.jobId() + " was cancelled during its merge");
            throw new JobCancelled("cancelled: the VM's disks read exactly as before, but the image of "
                    + String.join(", ", affected) + " took part of the newer data, so it is kept and marked partly"
                    + " merged (revert to it is refused); delete it again to finish the merge");
        } catch (RuntimeException e) {
            if (!switched) {
                SnapshotMark.markPartlyMerged(ctx, affected, "job " + ctx.jobId() + " failed during its merge: "
                        + e.getMessage());
            }
            throw e;
        }
    }
}
