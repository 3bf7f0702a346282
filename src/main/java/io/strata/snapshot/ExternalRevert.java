package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageCheck;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.QemuImg;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;

/**
 * Reverting to an external snapshot where libvirt cannot (before 9.9), the way libvirt ≥ 9.9
 * does: a fresh overlay on the snapshot's image for each disk, the domain pointed at them, the
 * unsaved top layer discarded; other snapshots' files are untouched.
 */
@ApplicationScoped
public class ExternalRevert {

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    QemuImg qemuImg;
    @Inject
    BackingChains chains;
    @Inject
    ImageFiles files;
    @Inject
    ChainFiles chainFiles;

    /**
     * Everything a revert to {@code s} needs, checked before a request is queued and again by the
     * job; {@code marks} are the partly merged snapshots (name → why).
     */
    static void check(ChainLayout l, SnapshotInfo s, Map<String, String> marks) {
        check(l, s, marks, false);
    }

    /** {@link #check}; with {@code shutsDownFirst} (the request asks the job to shut the VM down) a running VM passes. */
    static void check(ChainLayout l, SnapshotInfo s, Map<String, String> marks, boolean shutsDownFirst) {
        l.requireNoInternalSnapshots("reverting to " + s.name());
        if (l.domain.state() != DomainState.SHUT_OFF && !shutsDownFirst) {
            throw new TopologyRefused(l.vm + " is " + l.domain.state().label() + "; reverting to an external"
                    + " snapshot replaces its disks, so shut it down first (start it again with the revert),"
                    + " or ask the revert to do both: shutdown: true, start: true");
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

    /**
     * The files a revert to {@code s} may remove once the disks moved to {@code s}'s new overlays:
     * every snapshot file, and each replaced top layer that was stacked on snapshot data. Only
     * those nothing references afterwards are removed.
     */
    static Set<String> discardCandidates(ChainLayout l, SnapshotInfo s) {
        Map<String, String> oldTops = l.tops();
        Set<String> candidates = new LinkedHashSet<>(l.snapshotFiles());
        for (SnapshotDisk sd : s.externalDisks()) {
            String old = oldTops.get(sd.target());
            if (old != null && madeOnSnapshotData(l, old)) {
                candidates.add(old);
            }
        }
        return candidates;
    }

    /** A top layer Strata or libvirt stacked on snapshot data (an overlay), never a user's own disk. */
    static boolean madeOnSnapshotData(ChainLayout l, String file) {
        Set<String> snapshotFiles = l.snapshotFiles();
        if (snapshotFiles.contains(file)) {
            return !l.externalSnapshots().stream().flatMap(x -> x.externalDisks().stream())
                    .anyMatch(d -> file.equals(d.image()));
        }
        ImageInfo info = l.images.get(file);
        return info != null && info.backingFile() != null && snapshotFiles.contains(info.backingFile());
    }

    String revert(JobContext ctx, Map<String, String> marks) {
        String host = ctx.host();
        String vm = ctx.vm();
        ChainLayout l = chainFiles.layout(ctx);
        SnapshotInfo s = l.snapshot(ctx.target()).orElseThrow(() -> new JobFailure("snapshot " + ctx.target() + " is gone"));
        check(l, s, marks);
        boolean start = ctx.payload(SnapshotPayloads.Revert.class).start();
        if (domainSnapshots.revertsExternalSnapshots(host)) {
            ctx.log("the host's libvirt reverts external snapshots itself; using it");
            domainSnapshots.revertToSnapshot(host, vm, s.name());
            return startIfAsked(ctx, start, "reverted to " + s.name() + " by libvirt");
        }
        Map<String, String> newTops = new LinkedHashMap<>(l.tops());
        List<String> created = new ArrayList<>();
        String definitionBefore = null;
        JobContext.Band checking = ctx.band(10, 70);
        int n = s.externalDisks().size();
        int i = 0;
        try {
            for (SnapshotDisk sd : s.externalDisks()) {
                String format = l.formatOf(sd.image());
                checking.step(i, n, "checking " + sd.image());
                ImageCheck check = qemuImg.check(sd.image(), format, false);
                ctx.log(sd.target() + ": qemu-img check " + sd.image() + ": " + check.summary());
                if (!check.clean()) {
                    throw new JobFailure("snapshot image " + sd.image() + " fails qemu-img check (" + check.summary()
                            + "); nothing was changed. Repair it with qemu-img check -r, then revert again");
                }
                String overlay = freeName(sd.image());
                qemuImg.createOverlay(overlay, sd.image(), format);
                chains.rememberOverlay(overlay, sd.image(), format);
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
            domainSnapshots.redefineSnapshot(host, vm, domainSnapshots.snapshotXml(host, vm, s.name()), true);
        } catch (RuntimeException e) {
            if (definitionBefore != null) {
                gateway.define(host, definitionBefore);
            }
            created.forEach(files::removeQuietly);
            ctx.log("rolled back: the domain definition and files are as before");
            throw e;
        }
        // The unsaved top layer is discarded, as libvirt does; only files nothing needs any more.
        List<String> removed = chainFiles.removeUnreferenced(host, vm, discardCandidates(l, s));
        removed.forEach(f -> ctx.log("removed " + f + " (the unsaved top layer; nothing references it)"));
        return startIfAsked(ctx, start, "reverted to " + s.name() + "; disks now on "
                + String.join(", ", created) + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed)));
    }

    /** {@code <image w/o extension>.<epoch seconds>}, the next free second when two reverts meet. */
    private String freeName(String image) {
        long t = Instant.now().getEpochSecond();
        while (files.exists(ImageFiles.sibling(image, Long.toString(t)))) {
            t++;
        }
        return ImageFiles.sibling(image, Long.toString(t));
    }

    private String startIfAsked(JobContext ctx, boolean start, String result) {
        if (start) {
            ctx.progress(95, "starting the VM");
            ctx.log("starting " + ctx.vm());
            gateway.start(ctx.host(), ctx.vm());
            return result + "; VM started";
        }
        return result;
    }
}
