package io.strata.image;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.ImageCheck;
import io.strata.libvirt.ImageInfo;
import io.strata.libvirt.ImageTool;
import io.strata.libvirt.LibvirtGateway;

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
        ImageTool images;

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
            for (int i = 0; i < chain.size(); i++) {
                ImageInfo img = chain.get(i);
                ctx.progress(100 * i / chain.size(), "checking " + img.file());
                ImageCheck c = images.check(img.file(), img.format(), running);
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
}
