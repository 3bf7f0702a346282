package io.strata.disk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.imagetool.ImageCheck;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.QemuImg;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.snapshot.ChainFiles;

/** Disk job handlers. */
public final class DiskHandlers {

    private DiskHandlers() {
    }

    /** {@code qemu-img check} on every image of a disk's chain; changes nothing. */
    @ApplicationScoped
    public static class Check implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        QemuImg qemuImg;

        @Override
        public JobKind kind() {
            return JobKind.DISK_CHECK;
        }

        @Override
        public String run(JobContext ctx) {
            DomainSummary d = gateway.describe(ctx.host(), ctx.vm());
            DiskInfo disk = d.disks().stream().filter(x -> ctx.target().equals(x.target())).findFirst()
                    .orElseThrow(() -> new JobFailure(ctx.vm() + " has no disk " + ctx.target() + " any more"));
            if (disk.chainError() != null) {
                throw new JobFailure("the chain of " + ctx.target() + " cannot be read: " + disk.chainError());
            }
            boolean running = d.state().isActive();
            ctx.log(running ? "VM is " + d.state().label() + ": images are read shared (qemu-img -U) while QEMU"
                    + " writes them, so a result can show transient leaks; shut the VM off for an authoritative check"
                    : "VM is shut off: images are read exclusively; the result is authoritative");
            List<String> problems = new ArrayList<>();
            List<ImageInfo> chain = disk.chain();
            JobContext.Band checking = ctx.band(0, 100);
            for (int i = 0; i < chain.size(); i++) {
                ImageInfo img = chain.get(i);
                checking.step(i, chain.size(), "checking " + img.file());
                ImageCheck c = qemuImg.check(img.file(), img.format(), running);
                ctx.log(img.file() + " (" + img.format() + "): " + c.summary());
                if (!c.clean()) {
                    problems.add(img.file() + ": " + c.summary());
                }
            }
            String how = running ? " (read shared while running)" : "";
            if (!problems.isEmpty()) {
                throw new JobFailure(ctx.target() + ": " + problems.size() + " of " + chain.size()
                        + " image(s) have errors" + how + ": " + String.join("; ", problems));
            }
            return ctx.target() + ": " + chain.size() + " image(s) checked, no errors" + how;
        }
    }

    /**
     * raw ⇄ qcow2: the new image is written beside the old one, compared with qemu-img compare,
     * the domain repointed, and only then the old image removed.
     */
    @ApplicationScoped
    public static class Convert implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        QemuImg qemuImg;
        @Inject
        ImageFiles files;
        @Inject
        ChainFiles chainFiles;

        @Override
        public JobKind kind() {
            return JobKind.DISK_CONVERT;
        }

        @Override
        public Class<DiskConvertPayload> payloadType() {
            return DiskConvertPayload.class;
        }

        @Override
        public String run(JobContext ctx) {
            String host = ctx.host();
            String vm = ctx.vm();
            DiskConvertPayload payload = ctx.payload(DiskConvertPayload.class);
            String format = payload.format();
            DomainSummary d = gateway.describe(host, vm);
            DiskInfo disk = d.disks().stream().filter(x -> ctx.target().equals(x.target())).findFirst()
                    .orElseThrow(() -> new JobFailure(vm + " has no disk " + ctx.target() + " any more"));
            String problem = DiskService.convertProblem(d, disk, format);
            if (problem != null) {
                throw new JobFailure(problem);
            }
            var snaps = domainSnapshots.snapshots(host, vm);
            if (!snaps.isEmpty() && !payload.confirmLoss()) {
                throw new JobFailure(vm + " has snapshots now; ask again with confirmLoss");
            }
            String ext = format.equals("raw") ? "img" : "qcow2";
            String target = ImageFiles.sibling(disk.file(), ext);
            if (files.exists(target)) {
                target = ImageFiles.sibling(disk.file(), Instant.now().getEpochSecond() + "." + ext);
            }
            String to = target;
            ctx.log("writing " + to + " (" + format + ") beside " + disk.file() + " (" + disk.format() + ")");
            qemuImg.convert(disk.file(), disk.format(), to, format, ctx.band(5, 80).percent("converting"),
                    ctx::cancelRequested);
            ctx.progress(82, "comparing");
            if (!qemuImg.sameContent(disk.file(), disk.format(), to, format)) {
                files.removeQuietly(to);
                throw new JobFailure("qemu-img compare found a difference; the new image was removed, nothing changed");
            }
            ctx.log("qemu-img compare: identical");
            for (var s : snaps) {
                domainSnapshots.deleteSnapshotMetadata(host, vm, s.name());
                ctx.log("dropped internal snapshot " + s.name() + " (confirmed)");
            }
            try {
                gateway.repointDisks(host, vm, Map.of(ctx.target(), new String[] { to, format }));
            } catch (RuntimeException e) {
                files.removeQuietly(to);
                throw e;
            }
            files.remove(disk.file());
            ctx.log("removed " + disk.file());
            return ctx.target() + ": " + disk.format() + " → " + format + ", now " + to;
        }

        /**
         * An interrupted convert leaves, beside the disk the domain uses now, either the new image
         * (written after the job started, the domain not yet repointed) or the old one (repointed,
         * not yet removed: then its content equals the disk's). Such a file is removed when nothing
         * on the host references it; any other file there is kept.
         */
        @Override
        public String reconcile(JobContext ctx) {
            DomainSummary d = gateway.describe(ctx.host(), ctx.vm());
            DiskInfo disk = d.disks().stream().filter(x -> ctx.target().equals(x.target())).findFirst().orElse(null);
            if (disk == null || disk.file() == null) {
                return "the VM has no disk " + ctx.target() + " now; nothing to reconcile";
            }
            String otherFormat = disk.format().equals("raw") ? "qcow2" : "raw";
            String other = ImageFiles.sibling(disk.file(), otherFormat.equals("raw") ? "img" : "qcow2");
            if (other.equals(disk.file()) || !files.exists(other)) {
                return ctx.target() + " uses " + disk.file() + " (" + disk.format() + "); nothing left beside it";
            }
            boolean madeByJob = ctx.startedAt() != null && ImageFiles.writtenSince(other, ctx.startedAt());
            boolean sameData = !madeByJob && qemuImg.sameContent(disk.file(), disk.format(), other, otherFormat);
            if (!madeByJob && !sameData) {
                return ctx.target() + " uses " + disk.file() + "; " + other + " differs from it and was kept";
            }
            List<String> removed = chainFiles.removeUnreferenced(ctx.host(), ctx.vm(), java.util.Set.of(other));
            return ctx.target() + " uses " + disk.file() + " (" + disk.format() + "); " + (removed.isEmpty()
                    ? other + " is in use and was kept"
                    : "removed " + other + (madeByJob ? ", which the interrupted job was writing" : ", the old image it had replaced"));
        }
    }
}
