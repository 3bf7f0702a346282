package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.libvirt.BlockJob;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.imagetool.ImageCheck;
import io.strata.imagetool.ImageTool;
import io.strata.imagetool.ImageToolException;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.Xml;

/**
 * External (disk-only, copy-on-write) snapshots: create, revert, delete with merge, merge all.
 * libvirt 9.0 creates them but can neither revert them nor delete them once a revert has moved
 * the disks, so Strata does both from its own reading of the files ({@link ChainLayout}), the way
 * libvirt ≥ 9.9 does: a revert puts a fresh overlay on the snapshot's image; a delete commits the
 * snapshot's overlay into its image. Every operation is checked against the layout before any
 * file is touched, and a file is removed only when no domain and no snapshot references it.
 */
@ApplicationScoped
public class ExternalSnapshots {

    /** How often a block job's progress is read: libvirt answers in ~2 ms, and ready-to-pivot is noticed sooner. */
    private static final long POLL_MS = 20;

    @Inject
    LibvirtGateway gateway;
    @Inject
    ImageTool images;

    // ---------------------------------------------------------------- create

    /** target → overlay file for a new external snapshot of the domain's disks, placed beside each disk. */
    Map<String, String> plannedOverlays(DomainSummary d, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (DiskInfo disk : d.disks()) {
            if ("disk".equals(disk.device()) && disk.file() != null) {
                if (!"qcow2".equals(disk.format()) && !"raw".equals(disk.format())) {
                    throw new TopologyRefused("disk " + disk.target() + " is " + disk.format()
                            + "; external snapshots are taken of qcow2 and raw disks only");
                }
                out.put(disk.target(), ImageTool.sibling(disk.file(), name));
            }
        }
        if (out.isEmpty()) {
            throw new TopologyRefused(d.name() + " has no file-backed disk to snapshot");
        }
        return out;
    }

    /** The checks a create request gets before it is queued (and the job again before it acts). */
    Map<String, String> checkCreate(DomainSummary d, List<SnapshotInfo> snapshots, String name) {
        List<String> internal = snapshots.stream().filter(s -> s.kind() == io.strata.libvirt.SnapshotKind.INTERNAL)
                .map(SnapshotInfo::name).toList();
        if (!internal.isEmpty()) {
            throw new TopologyRefused(d.name() + " has internal snapshots (" + String.join(", ", internal)
                    + "); mixing internal and external snapshots in one chain is not supported: delete them first"
                    + " or keep taking internal snapshots");
        }
        Map<String, String> overlays = plannedOverlays(d, name);
        for (String file : overlays.values()) {
            if (images.exists(file)) {
                throw new TopologyRefused("the overlay file " + file + " already exists (left by an earlier snapshot"
                        + " or copied there); choose another snapshot name or remove that file");
            }
        }
        return overlays;
    }

    String create(JobContext ctx) {
        String host = ctx.host();
        String vm = ctx.vm();
        String name = ctx.target();
        DomainSummary d = gateway.describe(host, vm);
        Map<String, String> overlays = checkCreate(d, gateway.snapshots(host, vm), name);
        boolean running = d.state().isActive();
        SnapshotPayloads.Create payload = ctx.payload(SnapshotPayloads.Create.class);
        boolean quiesce = payload.quiesce();
        if (quiesce && !running) {
            throw new JobFailure("quiesce needs a running VM with the QEMU guest agent; " + vm + " is "
                    + d.state().label() + " (a shut-off VM's disks are consistent anyway: take it without quiesce)");
        }
        if (!quiesce) {
            ctx.log(running ? "not quiesced: the snapshot is crash-consistent (as if the power was cut at that"
                    + " moment); ask for quiesce when the guest agent runs in the VM"
                    : "VM is shut off: its disks are consistent");
        }
        List<String> others = d.disks().stream().filter(x -> !overlays.containsKey(x.target()))
                .map(DiskInfo::target).toList();
        boolean pause = payload.pause() && d.state() == DomainState.RUNNING;
        ctx.progress(20, "creating overlays " + String.join(", ", overlays.values()));
        ctx.checkCancelled();
        if (pause) {
            gateway.suspend(host, vm);
            ctx.log("VM paused for the snapshot");
        }
        try {
            gateway.createExternalSnapshot(host, vm, name, payload.description(), overlays, others, quiesce);
        } catch (LibvirtFailure e) {
            // libvirt's atomic create removes what it made; make sure no overlay of ours stays.
            if (!gateway.hasSnapshot(host, vm, name)) {
                overlays.values().forEach(images::removeQuietly);
            }
            if (quiesce) {
                throw new JobFailure("quiesce failed, so no snapshot was taken (Strata does not fall back to a"
                        + " crash-consistent one): " + e.getMessage(), e);
            }
            throw e;
        } finally {
            if (pause) {
                gateway.resume(host, vm);
                ctx.log("VM resumed");
            }
        }
        for (DiskInfo disk : d.disks()) {
            String overlay = overlays.get(disk.target());
            if (overlay != null) {
                images.rememberOverlay(overlay, disk.file(), disk.format());
                ctx.log(disk.target() + ": new overlay " + overlay);
            }
        }
        return "external snapshot " + name + " created" + (quiesce ? " (quiesced)" : "") + "; overlays "
                + String.join(", ", overlays.values());
    }

    String reconcileCreate(JobContext ctx) {
        if (gateway.hasSnapshot(ctx.host(), ctx.vm(), ctx.target())) {
            return "snapshot " + ctx.target() + " exists on the host: libvirt completed it";
        }
        return "snapshot " + ctx.target() + " does not exist on the host: nothing was created";
    }

    // ---------------------------------------------------------------- revert

    /** Everything a revert to {@code s} needs, checked before a request is queued. */
    void checkRevert(ChainLayout l, SnapshotInfo s, Map<String, String> marks) {
        l.requireNoInternalSnapshots("reverting to " + s.name());
        if (!l.domain.state().label().equals("shut off")) {
            throw new TopologyRefused(l.vm + " is " + l.domain.state().label() + "; reverting to an external"
                    + " snapshot replaces its disks, so shut it down first (start it again with the revert)");
        }
        if (marks.containsKey(s.name())) {
            throw new TopologyRefused("snapshot " + s.name() + " no longer holds its point in time: "
                    + marks.get(s.name()) + "; delete it to finish that merge");
        }
        for (SnapshotDisk sd : s.externalDisks()) {
            if (!l.exists(sd.image())) {
                throw new TopologyRefused("snapshot " + s.name() + " cannot be restored: its image " + sd.image()
                        + " for " + sd.target() + " is missing");
            }
            if (l.disk(sd.target()).isEmpty()) {
                throw new TopologyRefused(l.vm + " no longer has disk " + sd.target() + " that snapshot " + s.name()
                        + " covers");
            }
        }
    }

    String revert(JobContext ctx, Map<String, String> marks) {
        String host = ctx.host();
        String vm = ctx.vm();
        ChainLayout l = ChainLayout.read(gateway, images, host, vm);
        SnapshotInfo s = l.snapshot(ctx.target()).orElseThrow(() -> new JobFailure("snapshot " + ctx.target() + " is gone"));
        checkRevert(l, s, marks);
        boolean start = ctx.payload(SnapshotPayloads.Revert.class).start();
        if (gateway.revertsExternalSnapshots(host)) {
            ctx.log("the host's libvirt reverts external snapshots itself; using it");
            gateway.revertToSnapshot(host, vm, s.name());
            return startIfAsked(ctx, start, "reverted to " + s.name() + " by libvirt");
        }
        Map<String, String> oldTops = l.tops();
        Map<String, String> newTops = new LinkedHashMap<>(oldTops);
        List<String> created = new ArrayList<>();
        String definitionBefore = null;
        int n = s.externalDisks().size();
        int i = 0;
        try {
            for (SnapshotDisk sd : s.externalDisks()) {
                String format = l.formatOf(sd.image());
                ctx.progress(10 + 60 * i / n, "checking " + sd.image());
                ImageCheck check = images.check(sd.image(), format, false);
                ctx.log(sd.target() + ": qemu-img check " + sd.image() + ": " + check.summary());
                if (!check.clean()) {
                    throw new JobFailure("snapshot image " + sd.image() + " fails qemu-img check (" + check.summary()
                            + "); nothing was changed. Repair it with qemu-img check -r, then revert again");
                }
                String overlay = freeName(sd.image());
                images.createOverlay(overlay, sd.image(), format);
                created.add(overlay);
                newTops.put(sd.target(), overlay);
                ctx.log(sd.target() + ": new overlay " + overlay + " on " + sd.image());
                i++;
            }
            ctx.checkCancelled();
            ctx.progress(80, "pointing the VM's disks at the new overlays");
            Map<String, String[]> repoint = new LinkedHashMap<>();
            s.externalDisks().forEach(sd -> repoint.put(sd.target(), new String[] { newTops.get(sd.target()), "qcow2" }));
            definitionBefore = gateway.repointDisks(host, vm, repoint);
            gateway.redefineSnapshot(host, vm, gateway.snapshotXml(host, vm, s.name()), true);
        } catch (RuntimeException e) {
            if (definitionBefore != null) {
                gateway.define(host, definitionBefore);
            }
            created.forEach(images::removeQuietly);
            ctx.log("rolled back: the domain definition and files are as before");
            throw e;
        }
        // The unsaved top layer is discarded, as libvirt does; only files nothing needs any more.
        Set<String> candidates = new LinkedHashSet<>(l.snapshotFiles());
        for (SnapshotDisk sd : s.externalDisks()) {
            String old = oldTops.get(sd.target());
            if (old != null && madeOnSnapshotData(l, old)) {
                candidates.add(old);
            }
        }
        List<String> removed = removeUnreferenced(host, vm, candidates);
        removed.forEach(f -> ctx.log("removed " + f + " (the unsaved top layer; nothing references it)"));
        return startIfAsked(ctx, start, "reverted to " + s.name() + "; disks now on "
                + String.join(", ", created) + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed)));
    }

    /** A top layer Strata or libvirt stacked on snapshot data (an overlay), never a user's own disk. */
    private static boolean madeOnSnapshotData(ChainLayout l, String file) {
        Set<String> snapshotFiles = l.snapshotFiles();
        if (snapshotFiles.contains(file)) {
            return !l.externalSnapshots().stream().flatMap(x -> x.externalDisks().stream())
                    .anyMatch(d -> file.equals(d.image()));
        }
        var info = l.images.get(file);
        return info != null && info.backingFile() != null && snapshotFiles.contains(info.backingFile());
    }

    /** {@code <image w/o extension>.<epoch seconds>}, the next free second when two reverts meet. */
    private String freeName(String image) {
        long t = Instant.now().getEpochSecond();
        while (images.exists(ImageTool.sibling(image, Long.toString(t)))) {
            t++;
        }
        return ImageTool.sibling(image, Long.toString(t));
    }

    private String startIfAsked(JobContext ctx, boolean start, String result) {
        if (start) {
            ctx.progress(95, "starting the VM");
            gateway.start(ctx.host(), ctx.vm());
            return result + "; VM started";
        }
        return result;
    }

    // ---------------------------------------------------------------- delete (merge)

    /** One disk's part of deleting a snapshot: commit {@code overlay} into {@code image}. */
    record DiskMerge(String target, String image, String imageFormat, String overlay, List<String> toRebase,
                     boolean live, boolean active) {
    }

    /** What deleting {@code s} will do per disk; refuses unsafe topologies before anything is touched. */
    List<DiskMerge> planDelete(ChainLayout l, SnapshotInfo s) {
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
        ChainLayout l = ChainLayout.read(gateway, images, host, vm);
        SnapshotInfo s = l.snapshot(ctx.target()).orElseThrow(() -> new JobFailure("snapshot " + ctx.target() + " is gone"));
        List<DiskMerge> plan = planDelete(l, s);
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
        gateway.deleteSnapshotMetadata(host, vm, s.name());
        SnapshotMark.clear(host, vm, s.name());
        List<String> removed = removeUnreferenced(host, vm, l.snapshotFiles());
        removed.forEach(f -> ctx.log("removed " + f + " (merged; nothing references it)"));
        String merged = plan.isEmpty() ? "nothing to merge" : plan.stream()
                .map(m -> m.target() + ": " + m.overlay() + " → " + m.image() + (m.active() ? " (active commit, pivot)" : ""))
                .reduce((a, b) -> a + "; " + b).orElse("");
        return "snapshot " + s.name() + " deleted; " + merged
                + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed));
    }

    /** Rewrites one disk's image path in a snapshot's saved domain (REDEFINE); no file is touched. */
    private void moveImage(String host, String vm, String snapshot, String target, String file, String format) {
        Document xml = Xml.parse(gateway.snapshotXml(host, vm, snapshot));
        for (Element disk : Xml.elements(xml, "/domainsnapshot/domain/devices/disk")) {
            if (target.equals(Xml.string(disk, "target/@dev"))) {
                Xml.elements(disk, "source").get(0).setAttribute("file", file);
                if (format != null) {
                    Xml.elements(disk, "driver").get(0).setAttribute("type", format);
                }
            }
        }
        gateway.redefineSnapshot(host, vm, Xml.serialize(xml), false);
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
        boolean switched = false;
        int n = plan.size();
        try {
            for (int i = 0; i < n; i++) {
                DiskMerge m = plan.get(i);
                int from = 5 + 80 * i / n;
                int span = 80 / n;
                ctx.checkCancelled();
                ctx.log(m.target() + ": committing " + m.overlay() + " into " + m.image()
                        + (m.live() ? (m.active() ? " (live, active commit)" : " (live block commit)") : " (qemu-img commit)"));
                if (m.live()) {
                    gateway.blockCommit(host, vm, m.target(), m.image(), m.active() ? null : m.overlay(), bandwidth(ctx));
                    awaitBlockJobs(ctx, List.of(m.target()), m.active(), from, span);
                    if (m.active()) {
                        gateway.abortBlockJob(host, vm, m.target(), true);
                    }
                    switched = true;
                    awaitNoBlockJob(host, vm, m.target());
                    ctx.log(m.target() + ": " + (m.active() ? "pivoted to " + m.image() : "commit finished"));
                } else {
                    images.commit(m.overlay(), m.image(), bandwidth(ctx), f -> ctx.progress(from + (int) (span * f),
                            m.target() + ": committing " + Math.round(f * 100) + "%"), ctx::cancelRequested);
                }
            }
            // Offline disks switch here: what was stacked on each overlay now stacks on its image,
            // and a VM that wrote into the overlay itself now writes into the image.
            Map<String, String[]> repoint = new LinkedHashMap<>();
            for (DiskMerge m : plan) {
                for (String dep : m.toRebase()) {
                    images.rebaseUnsafe(dep, m.image(), m.imageFormat());
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
        } catch (ImageTool.Cancelled | JobCancelled e) {
            if (switched) {
                throw new JobFailure("cancel came after a disk had switched over; the merge is partly done", e);
            }
            markPartlyMerged(ctx, affected, "job " + ctx.jobId() + " was cancelled during its merge");
            throw new JobCancelled("cancelled: the VM's disks read exactly as before, but the image of "
                    + String.join(", ", affected) + " took part of the newer data, so it is kept and marked partly"
                    + " merged (revert to it is refused); delete it again to finish the merge");
        } catch (RuntimeException e) {
            if (!switched) {
                markPartlyMerged(ctx, affected, "job " + ctx.jobId() + " failed during its merge: " + e.getMessage());
            }
            throw e;
        }
    }

    /** The merge's optional speed limit in MiB/s (0: as fast as the storage goes). */
    private static long bandwidth(JobContext ctx) {
        return ctx.payload(SnapshotPayloads.Merging.class).bandwidth();
    }

    private void markPartlyMerged(JobContext ctx, List<String> snapshots, String reason) {
        for (String s : snapshots) {
            SnapshotMark.mark(ctx.host(), ctx.vm(), s, ctx.jobId(), reason);
        }
        ctx.log("marked " + String.join(", ", snapshots) + " as partly merged");
    }

    /** Polls libvirt's block jobs until done (or, for active commits, ready to pivot); aborts them on cancel. */
    private void awaitBlockJobs(JobContext ctx, List<String> targets, boolean active, int from, int span) {
        String host = ctx.host();
        String vm = ctx.vm();
        long lastCancelCheck = 0;
        while (true) {
            double sum = 0;
            int ready = 0;
            for (String t : targets) {
                BlockJob job = gateway.blockJob(host, vm, t);
                if (job == null) {
                    if (active) {
                        throw new JobFailure(t + ": the block commit ended before it was ready to pivot; libvirt"
                                + " did not say why. The VM still uses its overlay");
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
            ctx.progress(from + (int) (span * sum / targets.size()), "block commit " + Math.round(100 * sum / targets.size()) + "%");
            if (ready == targets.size()) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now - lastCancelCheck > 250) {
                lastCancelCheck = now;
                if (ctx.cancelRequested()) {
                    for (String t : targets) {
                        if (gateway.blockJob(host, vm, t) != null) {
                            gateway.abortBlockJob(host, vm, t, false);
                            awaitNoBlockJob(host, vm, t);
                        }
                    }
                    throw new JobCancelled();
                }
            }
            sleep(POLL_MS);
        }
    }

    private void awaitNoBlockJob(String host, String vm, String target) {
        for (int i = 0; i < 600 && gateway.blockJob(host, vm, target) != null; i++) {
            sleep(POLL_MS);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailure("interrupted");
        }
    }

    // ---------------------------------------------------------------- merge all

    /** Per disk: the base the whole chain goes into, and the files above it. */
    record ChainMerge(String target, String base, String top, List<String> above) {
    }

    List<ChainMerge> planMergeAll(ChainLayout l) {
        l.requireNoInternalSnapshots("merging " + l.vm + "'s chain");
        if (l.externalSnapshots().isEmpty()) {
            throw new TopologyRefused(l.vm + " has no external snapshots: there is no chain to merge");
        }
        Set<String> snapshotImages = new LinkedHashSet<>();
        l.externalSnapshots().forEach(s -> s.externalDisks().forEach(d -> snapshotImages.add(d.image())));
        List<ChainMerge> plan = new ArrayList<>();
        for (Map.Entry<String, String> top : new java.util.TreeMap<>(l.tops()).entrySet()) {
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

    String mergeAll(JobContext ctx) {
        String host = ctx.host();
        String vm = ctx.vm();
        ChainLayout l = ChainLayout.read(gateway, images, host, vm);
        List<ChainMerge> plan = planMergeAll(l);
        List<String> all = l.externalSnapshots().stream().map(SnapshotInfo::name).toList();
        List<String> rootImages = new ArrayList<>();
        for (SnapshotInfo s : l.externalSnapshots()) {
            if (s.externalDisks().stream().anyMatch(d -> plan.stream().anyMatch(p -> p.base().equals(d.image())))) {
                rootImages.add(s.name());
            }
        }
        if (l.running()) {
            List<String> targets = plan.stream().map(ChainMerge::target).toList();
            try {
                for (ChainMerge m : plan) {
                    ctx.log(m.target() + ": active commit of " + String.join(" ← ", m.above()) + " into " + m.base());
                    gateway.blockCommit(host, vm, m.target(), m.base(), null, bandwidth(ctx));
                }
                awaitBlockJobs(ctx, targets, true, 5, 80);
            } catch (JobCancelled e) {
                markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) was cancelled during its merge");
                throw new JobCancelled("cancelled: the VM's disks read exactly as before; the base images took part"
                        + " of the newer data, so " + String.join(", ", rootImages) + " are marked partly merged");
            } catch (RuntimeException e) {
                for (String t : targets) {
                    if (gateway.blockJob(host, vm, t) != null) {
                        gateway.abortBlockJob(host, vm, t, false);
                    }
                }
                markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) failed: " + e.getMessage());
                throw e;
            }
            for (ChainMerge m : plan) {
                gateway.abortBlockJob(host, vm, m.target(), true);
                awaitNoBlockJob(host, vm, m.target());
                ctx.log(m.target() + ": pivoted to " + m.base());
            }
        } else {
            int i = 0;
            try {
                for (ChainMerge m : plan) {
                    int from = 5 + 80 * i / plan.size();
                    int span = 80 / plan.size();
                    ctx.checkCancelled();
                    ctx.log(m.target() + ": qemu-img commit of " + String.join(" ← ", m.above()) + " into " + m.base());
                    images.commit(m.top(), m.base(), bandwidth(ctx), f -> ctx.progress(from + (int) (span * f),
                            m.target() + ": committing " + Math.round(f * 100) + "%"), ctx::cancelRequested);
                    i++;
                }
            } catch (ImageTool.Cancelled | JobCancelled e) {
                markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) was cancelled during its merge");
                throw new JobCancelled("cancelled: the VM's disks read exactly as before; the base images took part"
                        + " of the newer data, so " + String.join(", ", rootImages) + " are marked partly merged");
            } catch (RuntimeException e) {
                markPartlyMerged(ctx, rootImages, "job " + ctx.jobId() + " (merge all) failed: " + e.getMessage());
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
            gateway.deleteSnapshotMetadata(host, vm, s.name());
        }
        SnapshotMark.clearAll(host, vm);
        Set<String> candidates = new LinkedHashSet<>(l.snapshotFiles());
        plan.forEach(m -> candidates.addAll(m.above()));
        List<String> removed = removeUnreferenced(host, vm, candidates);
        removed.forEach(f -> ctx.log("removed " + f));
        return "merged " + all.size() + " snapshot(s) into " + String.join(", ", plan.stream().map(ChainMerge::base).toList())
                + "; snapshot list cleared" + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed));
    }

    // ---------------------------------------------------------------- files

    /**
     * Removes those candidates nothing references any more, judged on a fresh reading of the host
     * (the domain's chains, the remaining snapshots, every other domain). Returns what it removed.
     */
    List<String> removeUnreferenced(String host, String vm, Set<String> candidates) {
        ChainLayout now = ChainLayout.read(gateway, images, host, vm);
        Set<String> needed = now.referenced(now.tops(), now.externalSnapshots());
        List<String> removed = new ArrayList<>();
        for (String f : candidates) {
            if (!needed.contains(f) && images.exists(f)) {
                try {
                    images.remove(f);
                    removed.add(f);
                } catch (ImageToolException e) {
                    // left in place and said: an orphan is harmless, a lost image is not
                }
            }
        }
        return removed;
    }
}
